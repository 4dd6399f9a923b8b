"""Example count of the suite's property tests (hypothesis), in one place.

The default run uses 200 examples per property; ``setup/properties.sh`` sets
``SP_PROPERTY_EXAMPLES=10000`` for the slow run of the pure arithmetic modules
(scoring, pace, allocation, tier brackets, proration).
"""

import os

DEFAULT_EXAMPLES = 200
EXAMPLES = int(os.environ.get("SP_PROPERTY_EXAMPLES") or DEFAULT_EXAMPLES)
