/* Submitting with suggestions still undecided. The server counts them and refuses a
   submit that does not say what becomes of them (field "undecided", its message gives
   the count in the reader's language); the dialog asks, then sends the submit again
   with the answer: "keep" submits anyway, "reject" rejects them all in the same
   transaction as the submit. */
import { byId } from "./dom.js";

function submitForm() {
  const input = document.querySelector('#set-state input[name="undecided"]');
  return input ? input.form : null;
}

export function askAboutUndecided() {
  const dialog = byId("undecided-dialog");
  if (!dialog) return;
  document.body.addEventListener("tawsim:refused", (event) => {
    const detail = event.detail || {};
    if (detail.field !== "undecided" || dialog.open) return;
    byId("undecided-text").textContent = detail.message || "";
    dialog.returnValue = "";
    dialog.showModal();
    byId("undecided-reject").focus();
  });
  dialog.addEventListener("close", () => {
    const answer = dialog.returnValue;
    const form = submitForm();
    if (!form || (answer !== "keep" && answer !== "reject")) return;
    form.elements.undecided.value = answer;
    // The answer is for this submit only: a refused one (e.g. a stale version) asks again.
    form.addEventListener("htmx:afterRequest", () => { form.elements.undecided.value = ""; }, { once: true });
    form.requestSubmit();
  });
}
