//! A blocking client for OpenAI-compatible chat-completions endpoints (hosted services, vLLM,
//! llama.cpp's server, Ollama): one request per call, retried on 429, 5xx and transport
//! failures with capped exponential backoff that honours `Retry-After`, answers capped in size,
//! token usage read from `usage`.

use crate::config::LlmConfig;
use serde_json::{json, Value};
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// One question to the model.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    /// The system message: the reviewer's instructions.
    pub system: String,
    /// The user message: the task and the code, delimited as data.
    pub user: String,
    /// The JSON schema the answer should match, when structured output is wanted.
    pub schema: Option<Value>,
}

/// The model's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub content: String,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LlmError {
    /// The server answered with an error status (after retries, for retryable ones).
    Status(u16, String),
    /// The connection failed or timed out (after retries).
    Transport(String),
    /// The answer was larger than `max-response-bytes`.
    TooLarge(usize),
    /// The answer was not a chat completion.
    BadResponse(String),
}

impl std::fmt::Display for LlmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LlmError::Status(code, body) => write!(f, "HTTP {code}: {body}"),
            LlmError::Transport(m) => write!(f, "connection failed: {m}"),
            LlmError::TooLarge(n) => write!(f, "answer larger than {n} bytes"),
            LlmError::BadResponse(m) => write!(f, "not a chat completion: {m}"),
        }
    }
}

/// The most of an error body kept in a message.
const ERROR_BODY_CHARS: usize = 300;

/// A chat-completions client for one configuration.
pub struct Client {
    agent: ureq::Agent,
    url: String,
    api_key: Option<String>,
    config: LlmConfig,
    /// Cleared once the server refuses `response_format`, so later requests do not ask again.
    structured: AtomicBool,
}

impl Client {
    /// A client for `config`; the API key is read from the environment variable it names.
    pub fn new(config: &LlmConfig) -> Result<Client, String> {
        config.validate()?;
        let api_key = match &config.api_key_env {
            Some(var) => Some(std::env::var(var).map_err(|_| {
                format!("[llm] api-key-env names `{var}`, which is not set in the environment")
            })?),
            None => None,
        };
        let agent = ureq::AgentBuilder::new()
            .timeout(config.timeout())
            .redirects(0)
            .build();
        Ok(Client {
            agent,
            url: format!("{}/chat/completions", config.base_url.trim_end_matches('/')),
            api_key,
            config: config.clone(),
            structured: AtomicBool::new(config.structured_output),
        })
    }

    /// The request body for `request`. Every parameter comes from the configuration; nothing in
    /// the prompt (which carries the scanned code) can set one.
    pub fn body(&self, request: &ChatRequest) -> Value {
        let mut body = json!({
            "model": self.config.model,
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_tokens,
            "stream": false,
            "messages": [
                { "role": "system", "content": request.system },
                { "role": "user", "content": request.user },
            ],
        });
        if let (Some(schema), true, Some(map)) = (
            &request.schema,
            self.structured.load(Ordering::Relaxed),
            body.as_object_mut(),
        ) {
            map.insert(
                "response_format".into(),
                json!({
                    "type": "json_schema",
                    "json_schema": { "name": "secrev_review", "strict": true, "schema": schema },
                }),
            );
        }
        body
    }

    /// Sends `request`, retrying as configured.
    pub fn complete(&self, request: &ChatRequest) -> Result<Completion, LlmError> {
        let mut attempt = 0;
        loop {
            let body = self.body(request);
            let asked_structured = body.get("response_format").is_some();
            let error = match self.send(&body) {
                Ok(completion) => return Ok(completion),
                Err(error) => error,
            };
            // A server without structured output says so with a 400 (or 422) naming it; ask
            // again without, once, and parse the free text.
            if asked_structured && refuses_structured(&error.0) {
                self.structured.store(false, Ordering::Relaxed);
                continue;
            }
            if !error.1.retryable || attempt >= self.config.retries {
                return Err(error.0);
            }
            std::thread::sleep(self.wait(attempt, error.1.retry_after));
            attempt += 1;
        }
    }

    /// How long to wait before retry `attempt` (0-based): the server's `Retry-After` if it gave
    /// one, else the backoff doubled per attempt; never more than `max-backoff-ms`.
    fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let doubled = self
            .config
            .backoff_ms
            .saturating_mul(1u64 << attempt.min(20));
        let wait = retry_after.unwrap_or(Duration::from_millis(doubled));
        wait.min(Duration::from_millis(self.config.max_backoff_ms))
    }

    fn send(&self, body: &Value) -> Result<Completion, (LlmError, Retry)> {
        let mut request = self
            .agent
            .post(&self.url)
            .set("Content-Type", "application/json");
        if let Some(key) = &self.api_key {
            request = request.set("Authorization", &format!("Bearer {key}"));
        }
        match request.send_string(&body.to_string()) {
            Ok(response) => {
                let text = self.read(response).map_err(|e| (e, Retry::NO))?;
                parse_completion(&text).map_err(|e| (e, Retry::NO))
            }
            Err(ureq::Error::Status(code, response)) => {
                let retry_after = response
                    .header("Retry-After")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let text = self.read(response).unwrap_or_default();
                let retryable = code == 429 || (500..600).contains(&code);
                Err((
                    LlmError::Status(code, text.chars().take(ERROR_BODY_CHARS).collect()),
                    Retry {
                        retryable,
                        retry_after,
                    },
                ))
            }
            Err(ureq::Error::Transport(transport)) => Err((
                LlmError::Transport(transport.to_string()),
                Retry {
                    retryable: true,
                    retry_after: None,
                },
            )),
        }
    }

    /// The body of `response`, refused beyond `max-response-bytes`.
    fn read(&self, response: ureq::Response) -> Result<String, LlmError> {
        let limit = self.config.max_response_bytes;
        let mut bytes = Vec::new();
        response
            .into_reader()
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| LlmError::Transport(e.to_string()))?;
        if bytes.len() > limit {
            return Err(LlmError::TooLarge(limit));
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Whether a failed request may be tried again, and when.
struct Retry {
    retryable: bool,
    retry_after: Option<Duration>,
}

impl Retry {
    const NO: Retry = Retry {
        retryable: false,
        retry_after: None,
    };
}

fn refuses_structured(error: &LlmError) -> bool {
    match error {
        LlmError::Status(400 | 422, body) => {
            let body = body.to_ascii_lowercase();
            body.contains("response_format") || body.contains("json_schema")
        }
        _ => false,
    }
}

/// The content and token counts of a chat-completions response body.
fn parse_completion(text: &str) -> Result<Completion, LlmError> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| LlmError::BadResponse(e.to_string()))?;
    let content = doc
        .pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .ok_or_else(|| LlmError::BadResponse("no choices[0].message.content".into()))?;
    let tokens = |key: &str| {
        doc.pointer(&format!("/usage/{key}"))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    Ok(Completion {
        content: content.to_owned(),
        prompt_tokens: tokens("prompt_tokens"),
        completion_tokens: tokens("completion_tokens"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_parse_and_garbage_is_an_error() {
        let ok = parse_completion(
            r#"{"choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#,
        );
        assert_eq!(
            ok,
            Ok(Completion {
                content: "hi".into(),
                prompt_tokens: 3,
                completion_tokens: 1
            })
        );
        assert!(parse_completion("<html>").is_err());
        assert!(parse_completion(r#"{"choices":[]}"#).is_err());
    }

    #[test]
    fn waits_double_and_are_capped() {
        let config = LlmConfig {
            backoff_ms: 100,
            max_backoff_ms: 350,
            ..LlmConfig::default()
        };
        let client = Client::new(&config).expect("client");
        assert_eq!(client.wait(0, None), Duration::from_millis(100));
        assert_eq!(client.wait(1, None), Duration::from_millis(200));
        assert_eq!(client.wait(2, None), Duration::from_millis(350));
        assert_eq!(
            client.wait(0, Some(Duration::from_secs(3600))),
            Duration::from_millis(350)
        );
    }
}
