//! PY203 `shelve-open`: a `shelve` database, whose values are pickles.

use crate::helpers::{call_name, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY203",
        name: "shelve-open",
        title: "`shelve` database opened (values are unpickled on read)",
        cwe: 502,
        category: Category::Deserialization,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `shelve.open` and `shelve.DbfilenameShelf`. The database file name is \
                   quoted in the finding; a constant file name lowers the severity to low, a name \
                   computed at run time keeps it at medium.",
            why: "Every value read from a shelf goes through `pickle.loads`. Anyone who can write \
                  the database file (a shared directory, a path chosen from user input, an \
                  uploaded file) can plant a value whose unpickling runs code in the process the \
                  next time the key is read.",
            example: "with shelve.open(os.path.join(upload_dir, name)) as db: prefs = db[\"prefs\"]",
            fix: "with sqlite3.connect(DB_PATH) as db: prefs = json.loads(db.execute(\"SELECT v FROM kv WHERE k = ?\", (\"prefs\",)).fetchone()[0])",
            references: &[
                "https://cwe.mitre.org/data/definitions/502.html",
                "https://docs.python.org/3/library/shelve.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(&["shelve.open", "shelve.DbfilenameShelf"]) {
        return;
    }
    let Some(filename) = call.arg(0, "filename") else {
        return;
    };
    let name = call_name(call);
    let shown = quote(ctx, filename);
    if filename.is_constant() {
        out.report(
            call.span,
            format!("`{name}` opens the shelf {shown}; every value read from it is unpickled, so whoever can write that file runs code in this process."),
            format!("Keep the file behind `{name}` in a directory only this service can write, or store the values as JSON in `sqlite3`/`dbm` instead of a shelf."),
        )
        .severity(Severity::Low);
    } else {
        out.report(
            call.span,
            format!("`{name}` opens the shelf at {shown}, a path computed at run time; every value read from it is unpickled, so a planted database file runs code in this process."),
            format!("Do not let callers choose the file given to `{name}`: use a fixed path in a directory only this service can write, or store the values as JSON in `sqlite3`/`dbm`."),
        );
    }
}
