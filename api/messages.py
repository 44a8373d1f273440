"""English forms of the problem details the API and the domain write in Indonesian.

The domain speaks Indonesian (its refusals reach the API as Temporal update failures, so
they cannot carry a second language), and routes raise ``Problem(kind, detail)`` with
Indonesian text. Rather than thread a language through every rule, the English form is
looked up here from the Indonesian text: a catalogue of templates whose ``{name}``
placeholders match whatever was filled in (an id, a number, a stage; never "; ") and are
carried over.
A detail made of several sentences joined by "; " (a distribution's violations) is
translated part by part. Text not in the catalogue falls back to the Indonesian original,
so a missing entry shows as Indonesian, never as an error (tests/api/test_answers.py
checks the common ones and that every entry keeps its placeholders).

To add a message: one line below, Indonesian template on the left, English on the right,
the same placeholder names on both sides.
"""

import re
from functools import cache

CATALOGUE: dict[str, str] = {
    # api: problems, access, commands, routes
    "Periksa kembali isian yang ditandai": "Check the fields marked",
    "Layanan sedang pulih; coba lagi sebentar lagi": "The service is recovering; retry shortly",
    "Terjadi kesalahan; coba lagi nanti": "Something went wrong; try again later",
    "Isian berisi karakter yang tidak dapat diproses": "The input holds characters that "
    "cannot be processed",
    "Alamat tidak ditemukan": "No such address",
    "Isi permintaan melebihi {limit} byte": "The request body exceeds {limit} bytes",
    "Metode {method} tidak diizinkan di sini; gunakan {allowed}": "Method {method} is not "
    "allowed here; use {allowed}",
    "Penilaian tidak ditemukan": "Appraisal not found",
    "Notifikasi tidak ditemukan": "Notification not found",
    "Penilaian sudah selesai; hasilnya terkunci": "The appraisal is complete; its result is locked",
    "Penilaian sudah selesai": "The appraisal is complete",
    "Perintah gagal diproses": "The command could not be processed",
    "Mesin alur kerja sedang tidak dapat dihubungi": "The workflow engine cannot be reached "
    "right now",
    "Peran Anda tidak mengizinkan tindakan ini": "Your role does not allow this",
    "Periode {period_id} tidak ditemukan": "Period {period_id} not found",
    "Periode {period_id} sudah dimulai; tidak ada yang dimulai ulang": "Period {period_id} "
    "has already started; nothing was restarted",
    "Belum ada pegawai aktif; impor organisasi terlebih dahulu": "No active employees yet; "
    "import the organisation first",
    "Jadwal periode tidak dapat dipakai; periksa isian yang ditandai": "The period's schedule "
    "cannot be used; check the fields marked",
    "Perpanjangan tidak ditemukan": "Extension not found",
    "Ekspor lebih dari {limit} baris hanya untuk BKPSDM atau auditor; persempit filternya": (
        "Exports of more than {limit} rows are for BKPSDM or the auditor only; narrow the filters"
    ),
    "Waktu di luar jangkauan kalender": "The time is outside the calendar's range",
    "Periode {period_id} sudah ditutup": "Period {period_id} is already closed",
    "Periode {period_id} sedang ditutup": "Period {period_id} is being closed",
    "Periode {period_id} tidak dapat ditutup: hasil penilaian {delivered} pegawai sudah "
    "disampaikan": "Period {period_id} cannot be closed: the results of {delivered} "
    "employees have been delivered",
    "Periode {period_id} sudah ditutup; penilaiannya tidak dapat diubah": "Period "
    "{period_id} is closed; its appraisals can no longer change",
    "Periode {period_id} tidak sedang atau belum pernah ditutup": "Period {period_id} is "
    "not being closed and never was",
    "Perpanjangan ini sudah berjalan": "This extension is already running",
    "Unit tidak ditemukan pada periode ini": "Unit not found in this period",
    "Unit tidak ditemukan": "Unit not found",
    "Tim penilai hanya mengelola unit di OPD-nya sendiri": "A tim penilai manages units of "
    "their own agency only",
    "Tim penilai tanpa OPD tidak dapat melihat periode": "A tim penilai without an agency "
    "cannot view periods",
    "Tim penilai tanpa OPD tidak dapat melihat ringkasan": "A tim penilai without an agency "
    "cannot view summaries",
    "Pegawai tidak ditemukan": "Employee not found",
    "Terlalu banyak permintaan; coba lagi sebentar lagi": "Too many requests; retry shortly",
    "Terlalu banyak perubahan; coba lagi sebentar lagi": "Too many changes; retry shortly",
    "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda": "This "
    "Idempotency-Key was already used for a request with a different body",
    # authentication
    "Token tidak valid atau kedaluwarsa": "The token is invalid or expired",
    "Sertakan header Authorization: Bearer <token>": "Send an Authorization: Bearer <token> header",
    "Klaim '{name}' pada token harus berupa teks": "The token's '{name}' claim must be text",
    "Klaim 'resource_access' pada token tidak dikenali": "The token's 'resource_access' "
    "claim is not understood",
    "Klaim peran klien pada token tidak dikenali": "The token's client roles claim is not "
    "understood",
    "Identitas pada token tidak terdaftar sebagai pegawai aktif di organisasi ini": "The "
    "token's identity is not an active employee of this organisation",
    "Token demo hanya diberikan bila API mendengarkan di loopback": "Demo tokens are issued "
    "only while the API listens on loopback",
    # domain: text, schedule
    "Teks tidak boleh kosong atau hanya berisi spasi": "Text may not be empty or only spaces",
    "Teks tidak boleh memuat karakter kontrol (di {where})": "Text may not hold control "
    "characters (at {where})",
    "Tanggal harus berupa teks ISO 8601, mis. 2027-01-01": "A date must be ISO 8601 text, "
    "e.g. 2027-01-01",
    "Waktu harus berupa teks ISO 8601 dengan zona waktu, mis. 2027-01-15T16:00:00+07:00": "A "
    "time must be ISO 8601 text with its offset, e.g. 2027-01-15T16:00:00+07:00",
    "Waktu harus menyertakan zona waktu": "A time must carry its time zone",
    "{later} tidak boleh sebelum {earlier}": "{later} may not be before {earlier}",
    "{field} sudah lewat; kirim allow_past: true bila periode memang dicatat terlambat": "{field}"
    " has passed; send allow_past: true if the period is being entered late on purpose",
    "{field} minimal {floor} (dikirim {sent})": "{field} must be at least {floor} (sent {sent})",
    "ends_on harus setelah starts_on": "ends_on must be after starts_on",
    # domain: schedule warnings (POST /periods/preview)
    "Periode {period_id} sudah ada": "Period {period_id} already exists",
    "Pemantauan akhir {date} tidak diadakan karena tidak setelah skp_approval_due": "The "
    "check-in at the end of {date} is not held, since it is not after skp_approval_due",
    "{field} jatuh pada hari Sabtu ({date})": "{field} falls on a Saturday ({date})",
    "{field} jatuh pada hari Minggu ({date})": "{field} falls on a Sunday ({date})",
    "{field} jatuh pada hari libur nasional {holiday} ({date})": "{field} falls on a national "
    "holiday, {holiday} ({date})",
    "escalation_interval {sent} mengirim {count} eskalasi untuk setiap langkah seorang pegawai "
    "yang terlambat {days} hari": "escalation_interval {sent} sends {count} escalations for "
    "each step of one employee that is {days} days late",
    "disarankan minimal {floor}": "at least {floor} is advised",
    # domain: appraisal rules
    "Batas waktu '{deadline}' tidak dikenal": "Unknown deadline '{deadline}'",
    "Hanya BKPSDM yang dapat memperpanjang batas waktu": "Only BKPSDM (HR) can extend a deadline",
    "Hanya BKPSDM yang dapat mencatat mutasi": "Only BKPSDM (HR) can record a transfer",
    "Perpanjangan harus setelah batas waktu yang berlaku": "An extension must be after the "
    "deadline in force",
    "new_due harus menyertakan zona waktu": "new_due must carry its time zone",
    "Atasan baru bukan pegawai aktif": "The new supervisor is not an active employee",
    "Atasan baru berada di bawah pegawai ini (siklus)": "The new supervisor reports to this "
    "employee (a cycle)",
    "Pejabat penilai baru sama dengan yang sekarang": "The new rater is the current one",
    "Pegawai tidak dapat menjadi pejabat penilainya sendiri": "Nobody can be their own rater",
    "Rantai atasan terlalu panjang": "The chain of supervisors is too long",
    "Hanya penyusun SKP yang dapat mengajukannya": "Only the SKP's author can submit it",
    "SKP berstatus {status} dan tidak dapat diubah": "The SKP is {status} and cannot be changed",
    "SKP berstatus {status}; susun draf terlebih dahulu": "The SKP is {status}; draft it first",
    "SKP berstatus {status}, bukan diajukan": "The SKP is {status}, not submitted",
    "Indikator tidak ada di SKP: {ids}": "Indicators not in the SKP: {ids}",
    "Setiap indikator dilaporkan sekali saja": "Each indicator is reported once only",
    "Laporkan dahulu pemantauan ke-{n}": "Report check-in {n} first",
    "Pemantauan ke-{n} tidak ada; ada {count} kali": "There is no check-in {n}; there are {count}",
    "Pemantauan ke-{n} belum dilaporkan pegawai": "Check-in {n} has not been reported yet",
    "Realisasi pemantauan ke-{n} sudah dilaporkan": "Check-in {n} has already been reported",
    "Umpan balik pemantauan ke-{n} sudah diberikan": "Feedback on check-in {n} has already "
    "been given",
    "Pegawai ini tidak memiliki pemantauan ke-{n}": "This employee has no check-in {n}",
    "Pegawai yang dinilai harus ikut dalam dialog kinerja": "The employee appraised must take "
    "part in the dialogue",
    "Peserta harus berupa NIP yang valid": "Participants must be valid NIPs",
    "scheduled_for harus menyertakan zona waktu": "scheduled_for must carry its time zone",
    "held_at harus berzona waktu dan tidak di masa depan": "held_at must carry its time zone "
    "and not lie in the future",
    "Pegawai ini belum dinilai": "This employee has not been rated",
    "Hasil penilaian belum disampaikan": "The result has not been delivered",
    "Hasil penilaian sudah disampaikan": "The result has already been delivered",
    "Keberatan sudah diajukan": "A keberatan (objection) has already been filed",
    "Tidak ada keberatan yang sedang diperiksa": "No keberatan (objection) is under review",
    "Keberatan diputus oleh atasan pejabat penilai": "A keberatan is decided by the rater's "
    "own supervisor",
    "Keberatan yang ditolak tidak mengubah nilai": "A rejected keberatan does not change the "
    "rating",
    "Keterangan diberikan oleh pegawai atau pejabat penilainya": "Statements are given by the "
    "employee or their rater",
    "Tindak lanjut ke-{n} tidak ada": "There is no development action {n}",
    "Pegawai ini tidak memiliki tindak lanjut ke-{n}": "This employee has no development "
    "action {n}",
    "Tindak lanjut ke-{n} sudah dilaporkan": "Development action {n} has already been reported",
    "Tindak lanjut ke-{n} belum dilaporkan selesai": "Development action {n} has not been "
    "reported done",
    "Tindak lanjut ke-{n} sudah dikonfirmasi": "Development action {n} has already been confirmed",
    "Tindak lanjut tidak berjalan (tahap {stage})": "Development is not under way (stage {stage})",
    "Penyelesaian dilaporkan oleh pegawai yang bersangkutan": "Completion is reported by the "
    "employee concerned",
    "Konfirmasi diberikan oleh pejabat penilai": "Confirmation is given by the rater",
    "due harus berzona waktu dan di masa depan": "due must carry its time zone and lie in "
    "the future",
    # domain: units and the distribution rule
    "Penilaian unit ini sudah final": "This unit's assessment is already final",
    "Predikat unit belum ditetapkan": "The unit's predicate has not been set",
    "Predikat unit ditetapkan oleh BKPSDM atau tim penilai": "The unit's predicate is set by "
    "BKPSDM (HR) or the tim penilai",
    "Pengecualian dicatat oleh tim penilai": "An override is recorded by the tim penilai",
    "Finalisasi unit oleh BKPSDM atau tim penilai": "A unit is finalised by BKPSDM (HR) or "
    "the tim penilai",
    "Distribusi sudah sesuai aturan; pengecualian tidak diperlukan": "The distribution "
    "already follows the rule; no override is needed",
    "{n} pegawai di unit ini belum dinilai": "{n} employees of this unit are not rated yet",
    "Aturan '{rule}' dilanggar: {actual} dari {size} pegawai; selisih {off} pegawai": "Rule "
    "'{rule}' broken: {actual} of {size} employees; off by {off}",
    # api: the roster upload
    "Unggahan tidak ditemukan atau sudah kedaluwarsa; unggah ulang berkasnya": "Upload not "
    "found or expired; upload the file again",
    "Unggahan ini sudah diterapkan": "This upload has already been applied",
    "Organisasi berubah sejak pratinjau; unggah ulang berkas untuk melihat perubahannya": "The "
    "organisation has changed since the preview; upload the file again to see the change",
    "Ada baris yang salah; tidak ada yang disimpan": "Some rows are wrong; nothing was saved",
    "Berkas harus bernama .csv atau .xlsx": "The file must be named .csv or .xlsx",
    "format berkas tidak didukung; gunakan .csv atau .xlsx": "file format not supported; "
    "use .csv or .xlsx",
    "berkas kosong": "the file is empty",
    "berkas lebih dari {size}; pecah menjadi beberapa berkas": "the file is larger than {size}; "
    "split it into several files",
}

_PLACEHOLDER = re.compile(r"\\\{(\w+)\\\}")


@cache
def _templates() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Templates with placeholders as patterns; exact texts are looked up directly."""
    return tuple(
        (re.compile("^" + _PLACEHOLDER.sub(r"(?P<\1>(?:(?!; ).)+?)", re.escape(id_)) + "$"), en)
        for id_, en in CATALOGUE.items()
        if "{" in id_
    )


def _one(text: str) -> str | None:
    exact = CATALOGUE.get(text)
    if exact is not None and "{" not in text:
        return exact
    for pattern, english in _templates():
        found = pattern.match(text)
        if found:
            return english.format(**found.groupdict())
    return None


def _joined(parts: list[str]) -> str | None:
    """``parts`` (split at "; ") as consecutive known messages, longest first, since a
    message may itself hold "; "."""
    if not parts:
        return ""
    for end in range(len(parts), 0, -1):
        head = _one("; ".join(parts[:end]))
        if head is not None:
            rest = _joined(parts[end:])
            if rest is not None:
                return "; ".join((head, rest)) if rest else head
    return None


def english(text: str) -> str:
    """The English form of an Indonesian detail, or the detail itself when unknown."""
    return _joined(text.split("; ")) or text
