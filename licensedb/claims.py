"""Claims elsewhere: what other catalogues say the licence is, and whether it conflicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .vocabulary import LicenceLayer


@dataclass(frozen=True)
class ClaimCheck:
    claim: object
    conflict: bool
    explanation: str


def check_claims(claims: Iterable, licence_lines: Iterable) -> list[ClaimCheck]:
    """Compare each claim with the dataset's current licence lines.

    A claim conflicts when the licence it names is not one of the dataset's current dataset-terms
    licences. When it names the code licence, the explanation says so: the most common mix-up.
    A claim we could not map to a known licence is shown without a verdict on it.
    """
    lines = [line for line in licence_lines if line.valid_until is None]
    data_ids = {line.licence_id for line in lines if line.layer == LicenceLayer.DATASET_TERMS}
    data_names = sorted({line.licence.short_name for line in lines if line.layer == LicenceLayer.DATASET_TERMS})
    code_ids = {line.licence_id for line in lines if line.layer == LicenceLayer.CODE}
    terms = ", ".join(data_names) or "no licence recorded"
    checks = []
    for claim in claims:
        if claim.licence_id is None:
            checks.append(ClaimCheck(claim, False, f"Not matched to a licence we know; the dataset terms are: {terms}."))
        elif claim.licence_id in data_ids:
            checks.append(ClaimCheck(claim, False, "Agrees with the dataset terms."))
        elif claim.licence_id in code_ids:
            checks.append(
                ClaimCheck(claim, True, f"This is the licence of the code, not of the data. The dataset terms are: {terms}.")
            )
        else:
            checks.append(ClaimCheck(claim, True, f"Differs from the dataset terms: {terms}."))
    return checks
