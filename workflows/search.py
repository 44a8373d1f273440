"""Search attributes that make the Temporal UI and ``list_workflows`` useful to operators."""

from temporalio.common import SearchAttributeKey

STAGE = SearchAttributeKey.for_keyword("AppraisalStage")
AGENCY = SearchAttributeKey.for_keyword("Agency")
OVERDUE = SearchAttributeKey.for_bool("Overdue")
