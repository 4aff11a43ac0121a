//! PY804 `tainted-path`: untrusted data chooses a file the program opens or changes.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY804",
        name: "tainted-path",
        title: "Untrusted data chooses a file path",
        cwe: 22,
        category: Category::PathTraversal,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, path joins, string building and function calls, \
                   across files, to a file system operation: `open`, `io.open`, the `os` and \
                   `shutil` functions that read, write, list, move or delete files, `pathlib.Path` \
                   methods, Flask `send_file` (and the directory of `send_from_directory`), and \
                   the `FileResponse` classes of Starlette, FastAPI and aiohttp. It stays silent \
                   after `os.path.basename` or `werkzeug.utils.secure_filename`, after a \
                   `startswith` check on a path normalised with `os.path.realpath`, `abspath`, \
                   `normpath` or `Path.resolve`, after a test that rejects names containing `..` \
                   or a separator, and after an allow-list check.",
            why: "A name such as `../../etc/passwd` or an absolute path walks out of the \
                  directory the code meant to use. Depending on the operation the sender reads \
                  configuration files and keys, overwrites code or data, or deletes files \
                  anywhere the service's user may write.",
            example: "name = request.args[\"file\"]\nwith open(os.path.join(\"/srv/uploads\", name)) as f:\n    return f.read()",
            fix: "base = os.path.realpath(\"/srv/uploads\")\npath = os.path.realpath(os.path.join(base, request.args[\"file\"]))\nif not path.startswith(base + os.sep):\n    abort(404)\nwith open(path) as f:\n    return f.read()",
            references: &[
                "https://cwe.mitre.org/data/definitions/22.html",
                "https://werkzeug.palletsprojects.com/en/stable/utils/#werkzeug.utils.secure_filename",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "path-injection",
            harm: "`..` segments or an absolute path in it can reach files outside the intended directory",
            fix: "Reduce the name to its last component with `secure_filename` or `os.path.basename`, or resolve the joined path with `os.path.realpath` and refuse it unless it starts with the base directory.",
        }),
        ..Hooks::NONE
    },
};
