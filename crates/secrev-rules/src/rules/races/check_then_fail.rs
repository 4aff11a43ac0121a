//! PY905 `check-then-fail` (opt-in): a resource's state is checked before an operation that
//! fails, rather than goes astray, when the state changes in between: a read or removal after
//! an existence test, or a project's create/delete after its own existence predicate
//! (`ip_lib.device_exists(dev)`, `namespace.exists()`).

use super::check_then_use::{run, Outcome};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Function;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY905",
        name: "check-then-fail",
        title: "State checked before an operation that fails if the state changed (crash-only race)",
        cwe: 367,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::Low,
        docs: RuleDocs {
            what: "Opt-in (select it by id). The same analysis as PY901, for the races whose only \
                   outcome is a failed operation: a file read, removed or moved away after \
                   `os.path.exists`/`isfile`/`isdir` (low severity), and a project predicate named \
                   as an existence test (`*_exists(...)`, `exists_*(...)`, `obj.exists()` on a \
                   non-path object, such as `ip_lib.network_namespace_exists(ns)`) followed by a \
                   call that creates or removes the same resource (`create*`, `delete*`, `add*`, \
                   `remove*`, `del*`, `destroy*`, `plug*`, `unplug*`, `mount*`), outside a lock \
                   and outside a `try`. Off by default because whether such a failure matters \
                   depends on what runs concurrently and on whether the project's operation \
                   tolerates the state (`may_exist=True`, `if_exists=True`, a `try` inside the \
                   helper), neither of which one file shows; on OpenStack agents most do.",
            why: "Agents share files, namespaces, devices and bridges with other agents, external \
                  daemons and their own workers. When the state changes between the check and the \
                  operation, an operation that does not tolerate it raises where the code did not \
                  expect it: the agent stops half-way through configuring a router or a network \
                  (the crash-class defects reviewers report).",
            example: "if ip_lib.network_namespace_exists(ns):\n    ip_lib.delete_network_namespace(ns)\n\nif os.path.exists(pid_file):\n    os.remove(pid_file)",
            fix: "try:\n    ip_lib.delete_network_namespace(ns)\nexcept NamespaceNotFound:\n    pass\n\nwith contextlib.suppress(FileNotFoundError):\n    os.remove(pid_file)",
            references: &["https://cwe.mitre.org/data/definitions/367.html"],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    run(ctx, function, Outcome::Fails, out);
}
