"""HR's roster upload: ``POST /organisation/imports`` (multipart, a dry run unless told
otherwise) answers every bad row as ``kinerja import-org`` lists it, or the change the
file would make; ``POST /organisation/imports/{id}/apply`` applies a kept dry run exactly,
refused once the organisation has changed since. The bodies are ``api.roster_uploads``,
which the web's upload page calls too."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, UploadFile

from api import roster_uploads
from api.deps import Context, RequestId, Session
from api.problems import CONFLICT_RESPONSE, PROBLEM_JSON, ProblemDetails
from api.roles import HrWriter
from api.roster_uploads import RosterUploadAnswer

router = APIRouter(prefix="/organisation/imports", tags=["organisation"])
IMPORTS_PATH = "/organisation/imports"
UploadId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="A kept dry run")]
UNSUPPORTED: dict[int | str, dict[str, object]] = {
    415: {
        "description": "Not a .csv or .xlsx file",
        "content": {PROBLEM_JSON: {"schema": ProblemDetails.model_json_schema()}},
    }
}


@router.post("", responses=UNSUPPORTED)
async def upload_roster(
    actor: HrWriter,
    session: Session,
    ctx: Context,
    request_id: RequestId,
    file: Annotated[UploadFile, File(description="The roster, .csv (UTF-8) or .xlsx")],
    dry_run: Annotated[bool, Form(description="Only check and preview (default)")] = True,
    sheet: Annotated[
        str | None, Form(max_length=100, description="The worksheet of a workbook with several")
    ] = None,
) -> RosterUploadAnswer:
    """Check every row (all-or-nothing, as the command line does) and preview the change
    against the organisation: new, changed (which columns), left out of the file, new
    supervisors and the open appraisals whose pending steps would move. A dry run is
    kept for a day under its ``id``; with ``dry_run=false`` the roster is applied at once
    (a bad row is then a 422 with ``row_errors``). 413 over the size cap, 415 for another
    format, 422 for a file that cannot be read."""
    data = await file.read(ctx.roster_limits.max_file_bytes + 1)
    return await roster_uploads.upload(
        ctx,
        session,
        actor,
        request_id,
        data=data,
        name=file.filename or "",
        sheet=sheet or None,
        dry_run=dry_run,
    )


@router.post("/{upload_id}/apply", responses=CONFLICT_RESPONSE)
async def apply_roster(
    upload_id: UploadId,
    actor: HrWriter,
    session: Session,
    ctx: Context,
    request_id: RequestId,
) -> RosterUploadAnswer:
    """Apply the caller's own kept dry run, exactly: refused (409) once the organisation
    differs from the one it was previewed against, or when already applied; 404 for an
    unknown, expired or another person's upload. Open appraisals of people with a new
    supervisor are then handed to the new pejabat penilai (mutasi)."""
    return await roster_uploads.apply(ctx, session, actor, request_id, upload_id)
