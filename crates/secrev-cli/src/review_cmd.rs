//! `secrev review`.

use crate::args::{OutputFormat, ReviewArgs};
use crate::llm;
use crate::shared::{exit_status, settings, warn, write_report};
use secrev_core::RuleInfo;
use secrev_llm::FileInput;
use secrev_report::{ScanReport, Summary};
use secrev_review::{review, ReviewOptions, Target};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Patches are recognised by their first bytes when their name does not say so.
const PATCH_STARTS: [&[u8]; 4] = [b"From ", b"diff ", b"--- ", b"Index: "];

pub(crate) fn run(args: ReviewArgs) -> Result<u8, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let target = target(&args)?;
    let config_start = match &target {
        Target::Files(paths) => paths.first().cloned().unwrap_or_else(|| cwd.clone()),
        _ => cwd.clone(),
    };
    let settings = settings(&args.common, Some(&config_start))?;
    let outcome = review(
        &target,
        &cwd,
        &settings,
        ReviewOptions {
            threads: args.common.threads,
            all: args.all,
            keep_sources: args.common.llm.llm,
        },
    )
    .map_err(|e| e.to_string())?;
    warn(&outcome.diagnostics, &args.common);
    // Only the changed lines and their context are sent, unless every finding was asked for.
    let files = outcome
        .sources
        .iter()
        .map(|s| FileInput {
            path: s.path.clone(),
            text: s.text.clone(),
            changed: (!args.all).then(|| s.changed.clone()),
        })
        .collect();
    let (findings, llm_summary) = llm::apply(
        &args.common,
        &settings,
        files,
        outcome.findings,
        Some(&outcome.change.title),
    )?;
    let rules: Vec<RuleInfo> = settings.rules.iter().map(|r| r.info).collect();
    let report = ScanReport {
        findings: &findings,
        diagnostics: &outcome.diagnostics,
        rules: &rules,
        summary: Summary {
            files_scanned: outcome.files_scanned,
            files_skipped: outcome.files_skipped,
            lines_scanned: outcome.lines_scanned,
        },
        change: Some(&outcome.change),
        llm: llm_summary.as_ref(),
    };
    write_report(
        args.format.unwrap_or(OutputFormat::Review),
        &report,
        &args.common,
    )?;
    Ok(exit_status(&outcome.diagnostics, &findings, &settings))
}

/// What the arguments ask to review.
fn target(args: &ReviewArgs) -> Result<Target, String> {
    if args.staged {
        return Ok(Target::Staged);
    }
    if let Some(base) = &args.base {
        return Ok(Target::Base(base.clone()));
    }
    match args.targets.as_slice() {
        [] => Ok(Target::WorkTree),
        [one] if one == "-" => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read the patch from standard input: {e}"))?;
            Ok(Target::Patch {
                name: "<stdin>".into(),
                bytes,
            })
        }
        [one] if Path::new(one).is_file() && is_patch(Path::new(one)) => {
            let path = Path::new(one);
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(Target::Patch {
                name: path.display().to_string(),
                bytes,
            })
        }
        [one] if !Path::new(one).exists() => {
            let rev = one.to_str().ok_or_else(|| {
                format!(
                    "`{}` is neither a file nor a revision",
                    one.to_string_lossy()
                )
            })?;
            if rev.contains("..") {
                Ok(Target::Range(rev.to_owned()))
            } else {
                Ok(Target::Commit(rev.to_owned()))
            }
        }
        many => files(many),
    }
}

fn files(targets: &[OsString]) -> Result<Target, String> {
    let mut paths = Vec::new();
    for t in targets {
        let path = PathBuf::from(t);
        if !path.is_file() {
            return Err(format!(
                "`{}` is not a file; name one revision or range, or files to review whole",
                path.display()
            ));
        }
        paths.push(path);
    }
    Ok(Target::Files(paths))
}

/// Whether a file holds a patch: by its extension, or by how it starts.
fn is_patch(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e == "patch" || e == "diff")
    {
        return true;
    }
    let mut head = [0u8; 16];
    let read = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    PATCH_STARTS.iter().any(|s| head[..read].starts_with(s))
}
