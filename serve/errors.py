"""The analysts' side's refusals: a stable code for programs, the English text as gettext id.

Every refusal Dozor words itself has a code in ERRORS; serve/locale holds its Kazakh and
Russian forms (tests/test_api_errors.py walks the table). FastAPI's validation errors are
worded per pydantic error type from VALIDATION. serve/api_errors.py answers them as JSON in
the analyst's language; the commands print the English text.
"""

from __future__ import annotations

from typing import Any

from crawler.errors import DozorError, SearchQueryError
from serve.i18n import N_, messages

# code -> English message ({name} filled from the error's values). Codes never change: a
# client tests them, not the text.
ERRORS: dict[str, str] = {
    # dates and filters (serve/request.py)
    "not_a_calendar_date": N_("not a calendar date: {value!r}"),
    "unreadable_date": N_("cannot read {value!r} as a date: use YYYY-MM-DD, an ISO time,"
                          " 'today', 'yesterday' or '7d'"),
    "unknown_topic": N_("unknown topic {value!r}; known: {known}"),
    "unknown_subtopic": N_("unknown subtopic {value!r}; known: {known}"),
    "unknown_region": N_("unknown region {value!r}; known: {known}"),
    "unknown_language": N_("unknown language {value!r}; known: {known}"),
    "not_a_source_id": N_("not a source id: {value!r}"),
    "empty_date_range": N_("the date range is empty: 'since' is not before 'until'"),
    "unknown_order": N_("unknown order {value!r}; known: {known}"),
    "page_size_out_of_range": N_("the page size must be between 1 and {max}"),
    "too_deep": N_("results can be paged up to the {max}th only"),
    # the query text (serve/query.py)
    "query_too_long": N_("the query is longer than {max} characters"),
    "too_many_words": N_("the query has more than {max} words"),
    "only_excluded_words": N_("the query only excludes words; name at least one word to find"),
    "short_prefix": N_("a prefix needs at least {min} letters before '*': {value!r}"),
    # a saved search's definition (serve/alerts/saved.py)
    "saved_search_name": N_("a saved search needs a name of 1 to 120 characters"),
    "unknown_kind": N_("unknown kind {value!r}; known: {known}"),
    "unknown_filter": N_("unknown filter {value!r}"),
    "alert_on_everything": N_("an alert on every article would flood you: give words or"
                              " a filter"),
    "too_many_recipients": N_("at most {max} e-mail recipients"),
    "not_an_email": N_("not an e-mail address: {value!r}"),
    "email_domain_not_allowed": N_("{value} is outside the allowed domains ({setting})"),
    "web_webhook_not_env": N_("from the web page a webhook is env:{prefix}NAME, an environment"
                              " variable of the server holding its URL"),
    "bad_webhook": N_("a webhook is an http(s) URL or env:NAME"),
    "no_channel": N_("say where to send alerts: an e-mail address or a webhook"),
    "daily_cap_out_of_range": N_("the daily cap must be between 1 and {max}"),
    "unknown_alert_language": N_("unknown language {value!r}; known: kk, ru, en"),
    "saved_search_exists": N_("a saved search named {value!r} exists already"),
    # an analyst's verdict on a topic (serve/corrections.py, storage/corrections.py); an
    # unknown topic is "unknown_topic" above
    "unknown_verdict": N_("unknown verdict {value!r}; known: {known}"),
    "analyst_name_required": N_("the analyst's name is required (at most {max} characters)"),
    "note_too_long": N_("the note is longer than {max} characters"),
    # not found, not allowed
    "no_such_article": N_("no such article"),
    "no_archived_page": N_("no archived page for this article"),
    "archived_page_missing": N_("the archived page is missing"),
    "no_such_saved_search": N_("no such saved search"),
    "editor_role_unavailable": N_("this server's login may not take the role {role}: manage"
                                  " saved searches with `dozor alerts` (docs/analysts.md)"),
    "corrections_off": N_("corrections are off on this server: its operator enables them by"
                          " setting {setting}"),
    "corrections_token_invalid": N_("a valid 'Authorization: Bearer' token is needed to record"
                                    " corrections"),
    "corrections_read_only": N_("this server's database login may only read: record the"
                                " correction with `dozor correct` (docs/tagging.md)"),
    "not_found": N_("not found"),
    "method_not_allowed": N_("this method is not allowed here"),
    # the request as a whole (422) and the server's side
    "invalid_parameters": N_("invalid request: {errors}"),
    "database_unavailable": N_("the database is unavailable; try again later"),
    "internal_error": N_("internal error"),
}

# pydantic error type -> English reason ({name} from the error's context).
VALIDATION: dict[str, str] = {
    "missing": N_("a value is required"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "string_type": N_("must be text"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be an object"),
    "model_attributes_type": N_("must be an object"),
    "json_invalid": N_("is not valid JSON"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than_equal": N_("must be at most {le}"),
    "greater_than": N_("must be more than {gt}"),
    "less_than": N_("must be less than {lt}"),
    "string_too_long": N_("at most {max_length} characters"),
    "string_too_short": N_("at least {min_length} characters"),
    "too_long": N_("at most {max_length} values"),
    "too_short": N_("at least {min_length} values"),
    "literal_error": N_("must be one of: {expected}"),
    "enum": N_("must be one of: {expected}"),
}
INVALID_VALUE = N_("invalid value")


class ApiError(DozorError):
    """Raised when a request cannot be answered as asked (400, 401, 403, 404), from serve;
    carries a code of ERRORS and its values, so the answer can be worded in the analyst's
    language, and any headers the answer needs (a 401's WWW-Authenticate)."""

    def __init__(self, code: str, status: int = 400, *,
                 headers: dict[str, str] | None = None, **values: Any) -> None:
        self.code = code
        self.status = status
        self.headers = headers
        self.values = values
        super().__init__(ERRORS[code].format(**values))

    def message(self, lang: str) -> str:
        """The error in a UI language."""
        return messages(lang)(ERRORS[self.code], **self.values)


class BadQueryError(ApiError, SearchQueryError):
    """Raised when a search text, filter, date or saved-search definition is invalid, from
    serve.request, serve.query and serve.alerts.saved (a SearchQueryError for the commands)."""
