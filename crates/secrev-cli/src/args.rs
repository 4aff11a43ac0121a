//! Command-line flags.

use clap::{Args, Parser, Subcommand, ValueEnum};
use secrev_core::{Confidence, Severity};
use std::path::PathBuf;

/// secrev: finds security defects in Python, C and C++ code and says on which lines, of which
/// kind (CWE and its CWE-1000 pillar), why they matter and how to fix them.
///
/// Exit status: 0 when nothing at or above --fail-on is found, 1 when something is, 2 on a usage,
/// configuration or I/O error.
#[derive(Debug, Parser)]
#[command(
    name = "secrev",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Scan files and directories for security defects.
    Scan(ScanArgs),
    /// Review a change: the defects it introduces, or `No security defects are detected in the
    /// code`.
    Review(ReviewArgs),
    /// List every rule: id, CWE, pillar, severity, title.
    Rules(RulesArgs),
    /// Show one rule's documentation: what it finds, why it matters, an example and the fix.
    Rule(RuleArgs),
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Findings with annotated source excerpts (the default for `scan`).
    Text,
    /// A review: the change, numbered defects with explanation and fix, the verdict (the
    /// default for `review`).
    Review,
    /// A versioned JSON document.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// A pull-request comment in Markdown.
    Markdown,
    /// Gerrit ReviewInput JSON with robot comments.
    Gerrit,
    /// GitHub Actions annotations (workflow commands).
    Github,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when writing to a terminal.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files or directories to scan; directories are walked honouring .gitignore.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format [default: text].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<OutputFormat>,

    /// Report only findings not accepted by this baseline (written by --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the scan's findings to FILE as a baseline, then report as usual.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ReviewArgs {
    /// What to review: a commit (HEAD, a1b2c3d), a range (A..B, A...B), a patch file, `-` for
    /// a patch on standard input, or files (reviewed whole). Default: uncommitted changes
    /// against HEAD.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<std::ffi::OsString>,

    /// Review the commits since the branch left REV (merge-base(REV, HEAD)..HEAD).
    #[arg(long, value_name = "REV", conflicts_with_all = ["targets", "staged"])]
    pub base: Option<String>,

    /// Review the changes staged in the index (what `git commit` would record).
    #[arg(long, conflicts_with = "targets")]
    pub staged: bool,

    /// Report every finding in the touched files, not only those the change introduces.
    #[arg(long)]
    pub all: bool,

    /// Output format [default: review].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<OutputFormat>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options `scan` and `review` share.
#[derive(Debug, Args)]
pub(crate) struct CommonArgs {
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding has at least this severity [default: low, or the config's fail-on].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,

    /// Do not report findings below this confidence [default: low].
    #[arg(long, value_name = "CONFIDENCE")]
    pub min_confidence: Option<Confidence>,

    /// Run only these rules (ids, names or id prefixes such as PY1), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Do not run these rules (ids, names or id prefixes), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Option<Vec<String>>,

    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Honour Bandit's `# nosec` comments.
    #[arg(long)]
    pub respect_nosec: bool,

    /// Use this configuration file instead of searching for secrev.toml / pyproject.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long)]
    pub no_config: bool,

    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,

    /// Colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Do not print per-file warnings (syntax errors, skipped files) on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    #[command(flatten)]
    pub llm: LlmArgs,
}

/// The LLM layer's flags; each overrides the `[llm]` section of the configuration file.
#[derive(Debug, Args)]
#[command(next_help_heading = "LLM-assisted review (off unless --llm)")]
pub(crate) struct LlmArgs {
    /// Also ask a language model (an OpenAI-compatible chat-completions endpoint) to review the
    /// code; its findings are checked against the code before they are reported. Without this
    /// flag nothing is sent anywhere.
    #[arg(long)]
    pub llm: bool,

    /// Prompt strategy: basic, pillars, reasoning, static-context.
    #[arg(long, value_name = "STRATEGY", value_parser = ["basic", "pillars", "reasoning", "static-context"])]
    pub llm_strategy: Option<String>,

    /// Let the model judge secrev's own findings; a dismissal is shown with its reason and
    /// stops the finding from failing the run, never hides it.
    #[arg(long)]
    pub llm_triage: bool,

    /// The API root, e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1.
    #[arg(long, value_name = "URL")]
    pub llm_base_url: Option<String>,

    /// The model name.
    #[arg(long, value_name = "NAME")]
    pub llm_model: Option<String>,

    /// The environment variable holding the API key (the key itself is never a flag).
    #[arg(long, value_name = "VAR")]
    pub llm_api_key_env: Option<String>,

    /// Seconds to wait for one answer.
    #[arg(long, value_name = "SECONDS")]
    pub llm_timeout: Option<f64>,

    /// Requests in flight at once.
    #[arg(long, value_name = "N")]
    pub llm_concurrency: Option<usize>,

    /// Retries after 429, 5xx or connection failures.
    #[arg(long, value_name = "N")]
    pub llm_retries: Option<u32>,

    /// Most tokens per answer.
    #[arg(long, value_name = "N")]
    pub llm_max_tokens: Option<u32>,

    /// Most tokens the whole run may spend.
    #[arg(long, value_name = "N")]
    pub llm_max_run_tokens: Option<u64>,

    /// A directory of prompt templates replacing the built-in ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub llm_prompt_dir: Option<PathBuf>,

    /// Where answers are cached.
    #[arg(long, value_name = "DIR")]
    pub llm_cache_dir: Option<PathBuf>,

    /// Do not read or write the answer cache.
    #[arg(long)]
    pub llm_no_cache: bool,
}

/// Formats for `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub(crate) struct RuleArgs {
    /// A rule id (PY101) or name (subprocess-shell-injection).
    pub rule: String,
}
