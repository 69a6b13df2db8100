"""Every change to annotations goes through this package: the editor, the REST API,
the CLI, importers and jobs call these functions, so validation against the schema,
snapping, the optimistic lock and the history context live in one place.
One module per kind of thing; everything is re-exported here."""
from annotate.services.base import (  # noqa: F401
    ANY_VERSION,
    LOCKED_STATUSES,
    Invalid,
    ServiceError,
    StaleVersion,
    check_offsets,
    entity_type_for,
    entity_types,
    gold_set,
    own_set,
    own_set_or_new,
)
from annotate.services.clusters import (  # noqa: F401
    create_cluster,
    create_cluster_for_event,
    delete_cluster,
    join_cluster,
    leave_cluster,
    merge_clusters,
    search_clusters,
    update_cluster,
)
from annotate.services.events import (  # noqa: F401
    add_argument,
    add_argument_from_selection,
    change_event_type,
    create_event,
    delete_event,
    remove_argument,
    set_event_attribute,
    set_problems,
)
from annotate.services.history import redo, set_history, undo  # noqa: F401
from annotate.services.kb import (  # noqa: F401
    create_entity,
    create_entity_from_span,
    delete_entity,
    link_identical_mentions,
    link_span,
    merge_entities,
    search_entities,
    unlink_span,
    update_entity,
)
from annotate.services.other_occurrences import offer_other_occurrences  # noqa: F401
from annotate.services.relations import create_relation, delete_relation  # noqa: F401
from annotate.services.sets import (  # noqa: F401
    UNDECIDED_CHOICES,
    UndecidedSuggestions,
    reopen_set,
    submit_as_asked,
    submit_set,
)
from annotate.services.spans import add_span, change_span_type, create_span, delete_span  # noqa: F401
from annotate.services.suggestions import (  # noqa: F401
    accept_all_suggestions,
    accept_suggestion,
    accept_suggestion_into_role,
    pending_suggestions,
    reject_suggestion,
)
