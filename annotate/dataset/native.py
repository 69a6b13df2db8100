"""The fast writer of the native export: Tawsim JSONL items built straight from the rows.

The rows come from the database already in canonical order (annotate.dataset.rows), so
one pass numbers them; no records in between (half the Python work per span). The order
and ids are defined by corpus.formats.canonical, not here: tests/annotate/test_export_items.py
holds these lines byte-equal to tawsim_jsonl.to_json of the same set's record.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable


def item_builder(with_meta: bool) -> Callable[..., dict]:
    """A `build` for annotate.dataset.exporting.records (the arguments of its _build_record)."""

    def build(doc: tuple, annotator: str, status: str, spans: Iterable, events: Iterable, arguments: dict,
              relations: Iterable, names) -> dict:
        pk, external_id, title, text, meta = doc
        item = {"id": pk, "external_id": external_id, "title": title, "text": text}
        if with_meta:
            item["meta"] = meta
        item["entities"] = entities = []
        ids, order = {}, {}
        entity, kb_names = names.entity, names.kb
        for number, (_set, span, etype, start, end, kb) in enumerate(spans, 1):
            ids[span] = span_id = f"T{number}"
            order[span] = number
            if kb:
                linked = {"id": span_id, "type": entity[etype], "start": start, "end": end,
                          "text": text[start:end], "kb_id": str(kb)}
                if kb in kb_names:
                    linked["kb_name"], linked["kb_type"] = kb_names[kb]
                entities.append(linked)
            else:
                entities.append({"id": span_id, "type": entity[etype], "start": start, "end": end,
                                 "text": text[start:end]})
        item["events"] = _events(events, arguments, text, ids, order, names)
        relation = names.relation
        ordered = sorted(relations, key=lambda r: (relation[r[1]], order[r[2]], order[r[3]]))
        item["relations"] = [{"id": f"R{n}", "type": relation[rtype], "source": ids[s], "target": ids[t]}
                             for n, (_set, rtype, s, t) in enumerate(ordered, 1)]
        if annotator:
            item["annotator"] = annotator
        item["status"] = status
        return item

    return build


def _events(events: Iterable, arguments: dict, text: str, ids: dict, order: dict, names) -> list[dict]:
    role, found = names.role, []
    for number, (_set, pk, etype, start, end, attributes, cluster) in enumerate(events, 1):
        args = sorted(arguments.get(pk, ()), key=lambda a: (role[a[1]], order[a[2]]))
        event = {"id": f"E{number}", "type": names.event[etype],
                 "trigger": {"start": start, "end": end, "text": text[start:end]},
                 "arguments": [{"role": role[r], "entity_id": ids[span]} for _e, r, span in args],
                 "attributes": attributes}
        if cluster:
            event["cluster"] = str(cluster)
            if cluster in names.cluster:
                event["cluster_name"] = names.cluster[cluster]
        found.append(event)
    return found
