/* Translations for the browser scripts. The pages load Django's JavaScript catalogue
   (/jsi18n/, a classic script) before any module runs: it defines the globals gettext,
   ngettext and interpolate. Read them when called, and fall back to English (the
   msgids) on a page without the catalogue. */
const catalogue = globalThis;

export function gettext(message) {
  return catalogue.gettext ? catalogue.gettext(message) : message;
}

export function ngettext(one, many, count) {
  if (catalogue.ngettext) return catalogue.ngettext(one, many, count);
  return count === 1 ? one : many;
}

export function interpolate(format, args, named) {
  if (catalogue.interpolate) return catalogue.interpolate(format, args, named);
  return named
    ? format.replace(/%\((\w+)\)s/g, (_, name) => String(args[name]))
    : args.reduce((out, arg) => out.replace("%s", arg), format);
}
