//! secrev's optional LLM layer (`--llm`): it asks an OpenAI-compatible chat-completions
//! endpoint to review the code, and reports only what survives checking against the code and
//! the static analysis.
//!
//! Modules, in the order a request flows: `config` (the `[llm]` section), `redact` (secrets out
//! before anything is sent), `prompt` (templates, numbered code inside delimiters), `cache`
//! (answers by content hash), `client` (the HTTP exchange: retries, backoff, size cap, token
//! usage), `answer` (JSON or free text into findings and a verdict), `ground` (lines, quotes,
//! CWE, specificity), `merge` (model and static findings at one place become one).
//!
//! Static findings are never removed: the model can confirm them (`source: both`) or, with
//! triage on, dismiss them with a reason that names their code, which is shown, not applied
//! silently.

pub mod answer;
pub mod cache;
pub mod client;
pub mod config;
pub mod ground;
pub mod merge;
pub mod prompt;
pub mod redact;

pub use config::{LlmConfig, Strategy};

use cache::Cache;
use client::{ChatRequest, Client, Completion, LlmError};
use ground::{ground, mentions_code, Dropped, Shown};
use prompt::{build, Context, Excerpt, Prompts};
use secrev_core::{Finding, LlmNote, LlmSummary, Source};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

/// One file offered to the model.
#[derive(Debug, Clone)]
pub struct FileInput {
    /// The path as reports show it (findings use the same).
    pub path: String,
    pub text: String,
    /// For a review: the lines the change adds or modifies; only they and their context are
    /// sent. `None`: the whole file.
    pub changed: Option<BTreeSet<u32>>,
}

/// What a run needs besides the files.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunContext<'a> {
    /// The change's commit message (the `reasoning` strategy).
    pub commit_message: Option<&'a str>,
}

/// CWEs of secrev's secret rules: their lines are redacted whatever the shape of the secret.
const SECRET_CWES: [u32; 5] = [259, 321, 798, 522, 547];

/// One request: a window of one file.
struct Job {
    file: usize,
    first: u32,
    last: u32,
    changed: Vec<u32>,
    /// Indexes into the static findings that lie in the window.
    statics: Vec<usize>,
}

/// A prepared file: its lines as sent.
struct Prepared {
    path: String,
    lines: Vec<String>,
}

/// Asks the model about `files` and returns every finding — `statics` (possibly confirmed or,
/// with triage, marked dismissed) and the model's grounded ones — in report order, with what
/// the run did. Fails only on configuration problems; request failures are counted in the
/// summary and the static findings stand.
pub fn review(
    config: &LlmConfig,
    files: &[FileInput],
    mut statics: Vec<Finding>,
    context: RunContext,
) -> Result<(Vec<Finding>, LlmSummary), String> {
    let client = Client::new(config)?;
    let prompts = Prompts::load(config.prompt_dir.as_deref())?;
    let cache = Cache::new(config.cache_dir());
    let mut summary = LlmSummary {
        model: config.model.clone(),
        strategy: config.strategy.as_str().to_owned(),
        ..LlmSummary::default()
    };
    let prepared: Vec<Prepared> = files.iter().map(|f| prepare(f, &statics)).collect();
    let jobs = plan(config, files, &prepared, &statics);

    let requests: Vec<ChatRequest> = jobs
        .iter()
        .map(|job| {
            let file = &prepared[job.file];
            let in_window: Vec<&Finding> = job.statics.iter().map(|i| &statics[*i]).collect();
            let (system, user) = build(
                &prompts,
                config.strategy,
                &Excerpt {
                    path: &file.path,
                    lines: &file.lines,
                    first: job.first,
                    last: job.last,
                    changed: job.changed.clone(),
                },
                &Context {
                    commit_message: context.commit_message,
                    static_findings: &in_window,
                    triage: config.triage,
                },
            );
            ChatRequest {
                system,
                user,
                schema: Some(answer::schema()),
            }
        })
        .collect();
    let answers = ask_all(config, &client, &cache, &requests);

    let mut model_findings: Vec<Finding> = Vec::new();
    for (job, outcome) in jobs.iter().zip(answers) {
        let (completion, cached) = match outcome {
            Ok(answer) => answer,
            Err(error) => {
                summary.failed += 1;
                summary.errors.push(format!(
                    "{}:{}-{}: {error}",
                    prepared[job.file].path, job.first, job.last
                ));
                continue;
            }
        };
        if cached {
            summary.cached += 1;
        } else {
            summary.requests += 1;
            summary.prompt_tokens += completion.prompt_tokens;
            summary.completion_tokens += completion.completion_tokens;
        }
        let file = &prepared[job.file];
        let shown = Shown {
            path: &file.path,
            lines: &file.lines,
            first: job.first,
            last: job.last,
        };
        let parsed = answer::parse(&completion.content);
        for model in &parsed.findings {
            match ground(&shown, model, parsed.verdict) {
                Ok(f) => {
                    let duplicate = model_findings.iter().any(|g| {
                        g.path == f.path && g.cwe == f.cwe && g.span.start.line == f.span.start.line
                    });
                    if !duplicate {
                        summary.reanchored +=
                            u32::from(f.llm.as_ref().is_some_and(|n| n.reanchored));
                        model_findings.push(f);
                    }
                }
                Err(Dropped::Vague) => summary.dropped_vague += 1,
                Err(Dropped::Ungrounded) => summary.dropped_ungrounded += 1,
                Err(Dropped::UnknownCwe) => summary.dropped_unknown_cwe += 1,
            }
        }
        if config.triage {
            triage(&shown, job, &parsed, &mut statics, &mut summary);
        }
    }
    let (alone, merged) = merge::merge(&mut statics, model_findings);
    summary.merged = merged;
    summary.reported = alone.len() as u32;
    statics.extend(alone);
    statics.sort_by(|a, b| {
        (&a.path, a.span.start, &a.rule_id, a.cwe).cmp(&(&b.path, b.span.start, &b.rule_id, b.cwe))
    });
    Ok((statics, summary))
}

/// The file's lines as they will be sent: secrets redacted.
fn prepare(file: &FileInput, statics: &[Finding]) -> Prepared {
    let mut lines: Vec<String> = file.text.lines().map(str::to_owned).collect();
    let reported: BTreeSet<u32> = statics
        .iter()
        .filter(|f| f.path == file.path && SECRET_CWES.contains(&f.cwe))
        .flat_map(|f| f.span.start.line..=f.span.end.line)
        .collect();
    redact::redact(&mut lines, &reported);
    Prepared {
        path: file.path.clone(),
        lines,
    }
}

/// The windows to send: the whole file, or each changed hunk with `context-lines` around it;
/// either cut into parts of at most `max-prompt-lines`.
fn plan(
    config: &LlmConfig,
    files: &[FileInput],
    prepared: &[Prepared],
    statics: &[Finding],
) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (i, (file, prep)) in files.iter().zip(prepared).enumerate() {
        let len = prep.lines.len() as u32;
        if len == 0 {
            continue;
        }
        let mut windows: Vec<(u32, u32)> = Vec::new();
        match &file.changed {
            None => windows.push((1, len)),
            Some(changed) => {
                for line in changed.iter().copied().filter(|l| *l >= 1 && *l <= len) {
                    let start = line.saturating_sub(config.context_lines).max(1);
                    let end = (line + config.context_lines).min(len);
                    match windows.last_mut() {
                        Some(last) if start <= last.1 + 1 => last.1 = last.1.max(end),
                        _ => windows.push((start, end)),
                    }
                }
            }
        }
        for (start, end) in windows {
            let mut first = start;
            while first <= end {
                let last = (first + config.max_prompt_lines - 1).min(end);
                let changed = file
                    .changed
                    .as_ref()
                    .map(|c| c.range(first..=last).copied().collect())
                    .unwrap_or_default();
                let in_window = statics
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        f.path == file.path
                            && f.span.start.line >= first
                            && f.span.start.line <= last
                    })
                    .map(|(k, _)| k)
                    .collect();
                jobs.push(Job {
                    file: i,
                    first,
                    last,
                    changed,
                    statics: in_window,
                });
                first = last + 1;
            }
        }
    }
    jobs
}

/// Why a request was not answered.
#[derive(Debug)]
enum Unanswered {
    Failed(LlmError),
    Budget,
}

impl std::fmt::Display for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unanswered::Failed(e) => write!(f, "{e}"),
            Unanswered::Budget => f.write_str("not sent: the run's token budget is spent"),
        }
    }
}

/// An answer (and whether it came from the cache), or why there is none.
type Asked = Result<(Completion, bool), Unanswered>;

/// Answers to every request, in request order: from the cache, or from the server with at most
/// `concurrency` requests in flight and none sent once the run's token budget is spent.
fn ask_all(
    config: &LlmConfig,
    client: &Client,
    cache: &Cache,
    requests: &[ChatRequest],
) -> Vec<Asked> {
    let next = AtomicUsize::new(0);
    let spent = AtomicU64::new(0);
    let results: Mutex<Vec<Option<Asked>>> =
        Mutex::new((0..requests.len()).map(|_| None).collect());
    let ask = |request: &ChatRequest| -> Asked {
        let key = Cache::key(&config.base_url, &client.body(request));
        if let Some(hit) = cache.get(&key) {
            return Ok((hit, true));
        }
        if spent.load(Ordering::SeqCst) >= config.max_run_tokens {
            return Err(Unanswered::Budget);
        }
        let completion = client.complete(request).map_err(Unanswered::Failed)?;
        spent.fetch_add(
            completion.prompt_tokens + completion.completion_tokens,
            Ordering::SeqCst,
        );
        cache.put(&key, &completion);
        Ok((completion, false))
    };
    std::thread::scope(|scope| {
        for _ in 0..config.concurrency.min(requests.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(request) = requests.get(i) else {
                    break;
                };
                let result = ask(request);
                if let Ok(mut slots) = results.lock() {
                    slots[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.unwrap_or(Err(Unanswered::Budget)))
        .collect()
}

/// Applies the model's judgements of the static findings in a window: a dismissal is recorded
/// on the finding with its reason when the reason names code on the finding's lines; other
/// dismissals are ignored and said so.
fn triage(
    shown: &Shown,
    job: &Job,
    parsed: &answer::Answer,
    statics: &mut [Finding],
    summary: &mut LlmSummary,
) {
    for judgement in parsed.triage.iter().filter(|j| j.false_positive) {
        let index = judgement
            .id
            .trim()
            .trim_start_matches(['S', 's'])
            .parse::<usize>()
            .ok()
            .and_then(|k| k.checked_sub(1))
            .and_then(|k| job.statics.get(k).copied());
        let Some(index) = index else {
            continue;
        };
        let finding = &mut statics[index];
        let code: String = (finding.span.start.line..=finding.span.end.line)
            .filter_map(|n| (n as usize).checked_sub(1).and_then(|i| shown.lines.get(i)))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        if finding.source == Source::Llm || finding.is_dismissed() {
            continue;
        }
        let named = answer::code_words(&judgement.reason);
        if !mentions_code(&judgement.reason, &named, &code) {
            summary.errors.push(format!(
                "dismissal of {} at {}:{} ignored: its reason names nothing in the code",
                finding.rule_id, finding.path, finding.span.start.line
            ));
            continue;
        }
        let confidence = finding.confidence;
        let note = finding.llm.get_or_insert(LlmNote {
            confidence,
            explanation: None,
            reanchored: false,
            dismissed: None,
        });
        // The model's confidence that the finding is real.
        note.confidence = secrev_core::Confidence::Low;
        note.dismissed = Some(
            judgement
                .reason
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
        summary.dismissed += 1;
    }
}
