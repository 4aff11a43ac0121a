//! PY503 `tar-extract-unfiltered`: a tar archive extracted without an extraction filter.

use crate::helpers::{call_name, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Op, Unit, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY503",
        name: "tar-extract-unfiltered",
        title: "Tar archive extracted without an extraction filter",
        cwe: 22,
        category: Category::PathTraversal,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `extractall()` and `extract()` on archives opened with `tarfile.open` / \
                   `tarfile.TarFile` that pass no `filter=` (or pass `\"fully_trusted\"`) and no \
                   `members=` selection, unless the file sets `extraction_filter`. An `extractall()` \
                   on a receiver the analysis cannot type is reported at medium confidence when the \
                   file uses `tarfile` and not `zipfile`. `shutil.unpack_archive` on a non-constant \
                   archive without `filter=` is reported at medium severity and confidence, since the \
                   archive may be a zip. `zipfile.ZipFile.extractall` is not reported: it has removed \
                   `..` and absolute components from member names since Python 3.6.",
            why: "Before Python 3.14 tarfile's default is to trust the archive: a member named \
                  `../../home/app/.ssh/authorized_keys` or `/etc/cron.d/x`, or a symlink or hard link \
                  member followed by a regular file through it, is written outside the destination \
                  directory with the service's privileges. Whoever supplies the archive can overwrite \
                  code, configuration or keys.",
            example: "with tarfile.open(upload_path) as tar:\n    tar.extractall(dest)",
            fix: "with tarfile.open(upload_path) as tar:\n    tar.extractall(dest, filter=\"data\")",
            references: &[
                "https://cwe.mitre.org/data/definitions/22.html",
                "https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter",
                "https://peps.python.org/pep-0706/",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const TAR_OPENERS: &[&str] = &[
    "tarfile.open",
    "tarfile.TarFile",
    "tarfile.TarFile.open",
    "tarfile.TarFile.taropen",
    "tarfile.TarFile.gzopen",
    "tarfile.TarFile.bz2open",
    "tarfile.TarFile.xzopen",
];

/// What the `filter=` argument of an extraction says.
enum Filter {
    /// None given, or `filter=None`: the version's default, which trusts the archive before 3.14.
    Missing,
    /// `"fully_trusted"` / `tarfile.fully_trusted_filter`: checks switched off on purpose.
    FullyTrusted,
    /// `"data"`, `"tar"`, a callable, or something not constant: assume the author filters.
    Present,
}

fn filter_of(call: &Call) -> Filter {
    let Some(value) = call.keyword("filter") else {
        return Filter::Missing;
    };
    let value = value.resolved();
    match (&value.kind, value.as_str(), value.qualname()) {
        (ValueKind::None, _, _) => Filter::Missing,
        (_, Some("fully_trusted"), _) | (_, _, Some("tarfile.fully_trusted_filter")) => {
            Filter::FullyTrusted
        }
        _ => Filter::Present,
    }
}

fn is_none(value: &Value) -> bool {
    matches!(value.resolved().kind, ValueKind::None)
}

/// Whether any code in the file sets `extraction_filter` (on an instance or on `TarFile`).
fn sets_extraction_filter(unit: &Unit) -> bool {
    unit.functions.iter().flat_map(|f| &f.ops).any(|op| {
        matches!(op, Op::Assign(assign) if assign.targets.iter().any(|t| t.name == "extraction_filter"))
    })
}

/// Whether any call in the file goes to a module whose name starts with `prefix`.
fn file_calls(unit: &Unit, prefix: &str) -> bool {
    unit.functions
        .iter()
        .flat_map(|f| &f.ops)
        .any(|op| matches!(op, Op::Call(call) if call.qualname().starts_with(prefix)))
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if call.is_any(&["shutil.unpack_archive"]) {
        check_unpack_archive(ctx, call, out);
        return;
    }
    let Some(method) = call.callee.method.as_deref() else {
        return;
    };
    if method != "extractall" && method != "extract" {
        return;
    }
    let qualname = call.qualname();
    let typed = TAR_OPENERS
        .iter()
        .any(|opener| qualname == format!("{opener}().{method}"));
    let untyped = qualname.is_empty()
        && method == "extractall"
        && file_calls(ctx.unit, "tarfile.")
        && !file_calls(ctx.unit, "zipfile.");
    if !typed && !untyped {
        return;
    }
    let filter = filter_of(call);
    if matches!(filter, Filter::Present) {
        return;
    }
    if method == "extractall" {
        if call.arg(1, "members").is_some_and(|m| !is_none(m)) {
            return;
        }
    } else if call.arg(0, "member").is_some_and(Value::is_constant) {
        // One member picked by a fixed name: the path written is the one the code chose.
        return;
    }
    if sets_extraction_filter(ctx.unit) {
        return;
    }
    let receiver = call.callee.receiver.as_deref();
    let archive = receiver.and_then(|r| r.as_call());
    let archive_arg = archive.and_then(|a| a.arg(0, "name").or_else(|| a.keyword("fileobj")));
    let dest = call
        .arg(if method == "extractall" { 0 } else { 1 }, "path")
        .map_or_else(|| "the current directory".to_owned(), |d| quote(ctx, d));
    let shown = ctx.code(call.span);
    let what = match filter {
        Filter::FullyTrusted => "with the `fully_trusted` filter",
        _ => "without an extraction filter",
    };
    let hit = out.report(
        call.span,
        format!("`{shown}` extracts a tar archive {what}, so a member named with `..`, an absolute path, or a link can write outside {dest}."),
        format!("Pass `filter=\"data\"` to this `{method}` call (available since Python 3.12 and in the 3.8.17, 3.9.17, 3.10.12 and 3.11.4 security releases), or extract only members checked with `os.path.realpath` against {dest}."),
    );
    if let Some(archive) = archive {
        hit.related(archive.span, "the archive is opened here");
    }
    if untyped {
        hit.confidence(Confidence::Medium);
    } else if archive_arg.is_some_and(Value::is_constant) {
        // An archive at a fixed path is usually one the application ships itself.
        hit.severity(Severity::Low).confidence(Confidence::Medium);
    }
}

fn check_unpack_archive(ctx: &Context, call: &Call, out: &mut Reporter) {
    let filter = filter_of(call);
    if matches!(filter, Filter::Present) {
        return;
    }
    let Some(archive) = call.arg(0, "filename") else {
        return;
    };
    if archive.is_constant() {
        return;
    }
    let format = call.arg(2, "format").and_then(Value::as_str);
    if format == Some("zip") {
        return;
    }
    let is_zip_name = archive
        .template()
        .is_some_and(|t| t.to_ascii_lowercase().ends_with(".zip"));
    if format.is_none() && is_zip_name {
        return;
    }
    let name = call_name(call);
    let dest = call
        .arg(1, "extract_dir")
        .map_or_else(|| "the current directory".to_owned(), |d| quote(ctx, d));
    out.report(
        call.span,
        format!("`{name}` unpacks {} without `filter=`; when it is a tar archive, members named with `..`, absolute paths or links are written outside {dest}.", quote(ctx, archive)),
        format!("Pass `filter=\"data\"` to this `{name}` call (Python 3.12+ and the 2023 security releases of 3.8-3.11), or open tar archives with `tarfile` and call `extractall(..., filter=\"data\")`."),
    )
    .severity(Severity::Medium)
    .confidence(Confidence::Medium);
}
