//! The `[llm]` section of the configuration file, and the flags that override it.

use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// Which prompt to ask with (see `prompts/`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// A plain security review of the code.
    #[default]
    Basic,
    /// The review with the ten CWE-1000 pillars listed, so the model covers every kind.
    Pillars,
    /// The change's commit message, and step-by-step reasoning before the answer.
    Reasoning,
    /// secrev's own findings and data-flow traces handed over as context.
    StaticContext,
}

impl Strategy {
    /// Every strategy, for flags and documentation.
    pub const ALL: [Strategy; 4] = [
        Strategy::Basic,
        Strategy::Pillars,
        Strategy::Reasoning,
        Strategy::StaticContext,
    ];

    /// The name used in configuration, flags, template file names and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Basic => "basic",
            Strategy::Pillars => "pillars",
            Strategy::Reasoning => "reasoning",
            Strategy::StaticContext => "static-context",
        }
    }

    /// The strategy named `name`.
    pub fn parse(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// How to reach the model and how much to spend. Every key is optional in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct LlmConfig {
    /// The OpenAI-compatible API root; `/chat/completions` is appended.
    pub base_url: String,
    /// The model name the server knows.
    pub model: String,
    /// The name of the environment variable holding the API key (never the key itself: keys do
    /// not belong in files). Unset: no `Authorization` header (local servers).
    pub api_key_env: Option<String>,
    /// Seconds to wait for one answer.
    pub timeout: f64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Retries after a 429, a 5xx or a transport failure.
    pub retries: u32,
    /// The first retry's wait in milliseconds; it doubles per retry unless the server's
    /// `Retry-After` says otherwise.
    pub backoff_ms: u64,
    /// No wait between retries is longer than this, whatever `Retry-After` asks.
    pub max_backoff_ms: u64,
    /// The most tokens one answer may have (`max_tokens` of each request).
    pub max_tokens: u32,
    /// The most tokens (prompts and answers, as the server counts them) one run may spend;
    /// requests beyond it are not sent.
    pub max_run_tokens: u64,
    /// Sampling temperature; 0 makes answers as repeatable as the server allows.
    pub temperature: f64,
    /// Answers larger than this many bytes are refused.
    pub max_response_bytes: usize,
    /// The prompt strategy.
    pub strategy: Strategy,
    /// A directory whose `<name>.txt` files replace the built-in templates of that name.
    pub prompt_dir: Option<PathBuf>,
    /// Ask for JSON matching the answer schema (`response_format: json_schema`); servers that
    /// refuse it are asked again without it, and the answer is parsed as free text.
    pub structured_output: bool,
    /// Where answers are cached; default `$XDG_CACHE_HOME/secrev/llm` or `~/.cache/secrev/llm`.
    pub cache_dir: Option<PathBuf>,
    /// Whether to use the cache at all.
    pub cache: bool,
    /// Let the model judge secrev's own findings; dismissals are shown with their reason.
    pub triage: bool,
    /// Lines of context around each changed hunk in `review` mode.
    pub context_lines: u32,
    /// The most source lines one request carries; longer files are sent in parts.
    pub max_prompt_lines: u32,
}

impl Default for LlmConfig {
    fn default() -> LlmConfig {
        LlmConfig {
            base_url: "http://127.0.0.1:8080/v1".into(),
            model: "default".into(),
            api_key_env: None,
            timeout: 120.0,
            concurrency: 2,
            retries: 3,
            backoff_ms: 1000,
            max_backoff_ms: 30_000,
            max_tokens: 2048,
            max_run_tokens: 500_000,
            temperature: 0.0,
            max_response_bytes: 1 << 20,
            strategy: Strategy::Basic,
            prompt_dir: None,
            structured_output: true,
            cache_dir: None,
            cache: true,
            triage: false,
            context_lines: 20,
            max_prompt_lines: 400,
        }
    }
}

impl LlmConfig {
    /// The `[llm]` table of a configuration file.
    pub fn from_table(table: toml::Table) -> Result<LlmConfig, String> {
        if table.contains_key("api-key") {
            return Err(
                "`[llm] api-key` is not accepted: keys do not belong in files; name the \
                 environment variable that holds it with `api-key-env`"
                    .to_owned(),
            );
        }
        toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| format!("invalid [llm] section: {e}"))
    }

    /// The timeout of one request.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout.clamp(0.001, 86_400.0))
    }

    /// The cache directory to use, if caching is on and a directory can be found.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        if !self.cache {
            return None;
        }
        if let Some(dir) = &self.cache_dir {
            return Some(dir.clone());
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("secrev").join("llm"))
    }

    /// Checks values a file or flag could get wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.model.trim().is_empty() {
            return Err("[llm] model is empty".into());
        }
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(format!(
                "[llm] base-url `{}` is not an http(s) URL",
                self.base_url
            ));
        }
        if self.concurrency == 0 || self.max_prompt_lines == 0 {
            return Err("[llm] concurrency and max-prompt-lines must be at least 1".into());
        }
        if !(0.0..=2.0).contains(&self.temperature) {
            return Err("[llm] temperature must be between 0 and 2".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_files_are_refused_and_names_parse() {
        let table: toml::Table = toml::from_str("api-key = \"sk-123\"").expect("toml");
        assert!(LlmConfig::from_table(table).is_err());
        let table: toml::Table =
            toml::from_str("model = \"m\"\nstrategy = \"static-context\"\ntimeout = 2.5")
                .expect("toml");
        let config = LlmConfig::from_table(table).expect("valid");
        assert_eq!(config.strategy, Strategy::StaticContext);
        assert_eq!(config.timeout(), Duration::from_millis(2500));
        let table: toml::Table = toml::from_str("modle = \"m\"").expect("toml");
        assert!(LlmConfig::from_table(table).is_err());
    }
}
