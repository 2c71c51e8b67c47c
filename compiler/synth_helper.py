"""`python -m compiler.synth_helper`: the helper process of a split synth (`compiler.synth_split`).

Started early, it loads Node and aws_cdk, then reads one line on stdin: the path of a pickle
of (Application, buckets) the main process wrote, in the folder where the assembly goes.
End of input instead: not needed, it exits. Exit status 0 when written; a traceback otherwise
(the main process shows its end: any failure here is a bug of ours, never the user's).
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from pathlib import Path


def main() -> int:
    # Node and aws_cdk first: the slow part, while the main process compiles the project.
    from compiler.synth import (CODE_PLACEHOLDER, CODE_PLACEHOLDER_DIR, add_application_stack,
                                configure_jsii_environment, new_app)

    configure_jsii_environment(validate=False)  # a split synth never validates
    import aws_cdk  # noqa: F401  (starts Node)
    import compiler.emit.stack  # noqa: F401  (the emitters' aws_cdk modules)

    line = sys.stdin.readline().strip()
    if not line:
        return 0
    request = Path(line)
    app, buckets = pickle.loads(request.read_bytes())
    cdk_app = new_app(request.parent, validate=False)
    placeholder = request.parent / CODE_PLACEHOLDER_DIR
    placeholder.mkdir()
    add_application_stack(cdk_app, app, placeholder, CODE_PLACEHOLDER, "nested", owned=buckets)
    cdk_app.synth()
    return 0


if __name__ == "__main__":
    try:
        status = main()
    except BaseException:  # shown by the main process; exiting here must not wait for Node
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # not jsii's exit handler, which waits for its Node process (DESIGN.md 5)
