//! `--llm`: the configuration from `[llm]` and the flags, and the run over the files a scan or
//! review looked at.

use crate::args::{CommonArgs, LlmArgs};
use secrev_core::{Finding, LlmSummary, Source};
use secrev_engine::Settings;
use secrev_llm::{FileInput, LlmConfig, RunContext, Strategy};

/// The LLM configuration: the file's `[llm]` section with the flags on top.
fn config(settings: &Settings, flags: &LlmArgs) -> Result<LlmConfig, String> {
    let mut config = match &settings.llm {
        Some(table) => LlmConfig::from_table(table.clone())?,
        None => LlmConfig::default(),
    };
    macro_rules! flag {
        ($($field:ident <- $flag:ident),* $(,)?) => {
            $( if let Some(value) = &flags.$flag { config.$field = value.clone(); } )*
        };
    }
    flag!(
        base_url <- llm_base_url,
        model <- llm_model,
        timeout <- llm_timeout,
        concurrency <- llm_concurrency,
        retries <- llm_retries,
        max_tokens <- llm_max_tokens,
        max_run_tokens <- llm_max_run_tokens,
    );
    if let Some(var) = &flags.llm_api_key_env {
        config.api_key_env = Some(var.clone());
    }
    if let Some(dir) = &flags.llm_prompt_dir {
        config.prompt_dir = Some(dir.clone());
    }
    if let Some(dir) = &flags.llm_cache_dir {
        config.cache_dir = Some(dir.clone());
    }
    if let Some(name) = &flags.llm_strategy {
        config.strategy =
            Strategy::parse(name).ok_or_else(|| format!("unknown strategy {name}"))?;
    }
    config.cache &= !flags.llm_no_cache;
    config.triage |= flags.llm_triage;
    config.validate()?;
    Ok(config)
}

/// Runs the LLM layer when `--llm` asks for it: `findings` come back with the model's grounded
/// findings added (those below `--min-confidence` left out) and its marks on static ones.
pub(crate) fn apply(
    common: &CommonArgs,
    settings: &Settings,
    files: Vec<FileInput>,
    findings: Vec<Finding>,
    commit_message: Option<&str>,
) -> Result<(Vec<Finding>, Option<LlmSummary>), String> {
    if !common.llm.llm {
        return Ok((findings, None));
    }
    let config = config(settings, &common.llm)?;
    let (findings, summary) =
        secrev_llm::review(&config, &files, findings, RunContext { commit_message })?;
    let findings = findings
        .into_iter()
        .filter(|f| {
            f.source != Source::Llm
                || (f.confidence >= settings.min_confidence && !suppressed(f, &files, settings))
        })
        .collect();
    if !common.quiet {
        for error in &summary.errors {
            eprintln!("secrev: warning: llm: {error}");
        }
    }
    Ok((findings, Some(summary)))
}

/// Whether a model finding's first or last line carries `# secrev: ignore[LLM]` (or a bare
/// `# secrev: ignore`), as static findings are suppressed.
fn suppressed(f: &Finding, files: &[FileInput], settings: &Settings) -> bool {
    let Some(file) = files.iter().find(|i| i.path == f.path) else {
        return false;
    };
    let line = |n: u32| {
        file.text
            .lines()
            .nth((n as usize).saturating_sub(1))
            .unwrap_or("")
    };
    [f.span.start.line, f.span.end.line]
        .iter()
        .any(|n| secrev_engine::suppresses(line(*n), &f.rule_id, settings.respect_nosec))
}
