//! Answers cached on disk by a hash of everything that determines them (endpoint, model,
//! parameters, messages, schema), so a second run over the same code costs nothing.

use crate::client::Completion;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::PathBuf;

/// An answer cache in a directory (none: nothing is cached).
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
}

impl Cache {
    pub fn new(dir: Option<PathBuf>) -> Cache {
        Cache { dir }
    }

    /// The key of a request: SHA-256 of the endpoint and the request body.
    pub fn key(base_url: &str, body: &Value) -> String {
        let digest = Sha256::new()
            .chain_update(base_url.as_bytes())
            .chain_update([0])
            .chain_update(body.to_string().as_bytes())
            .finalize();
        digest.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        Some(
            self.dir
                .as_ref()?
                .join(&key[..2])
                .join(format!("{key}.json")),
        )
    }

    /// The cached answer for `key`, if any (an unreadable entry is a miss).
    pub fn get(&self, key: &str) -> Option<Completion> {
        let text = std::fs::read_to_string(self.path(key)?).ok()?;
        let doc: Value = serde_json::from_str(&text).ok()?;
        Some(Completion {
            content: doc.get("content")?.as_str()?.to_owned(),
            prompt_tokens: doc.get("prompt_tokens")?.as_u64()?,
            completion_tokens: doc.get("completion_tokens")?.as_u64()?,
        })
    }

    /// Stores an answer; failing to write only costs the next run a request.
    pub fn put(&self, key: &str, completion: &Completion) {
        let Some(path) = self.path(key) else {
            return;
        };
        let doc = json!({
            "content": completion.content,
            "prompt_tokens": completion.prompt_tokens,
            "completion_tokens": completion.completion_tokens,
        });
        let Some(dir) = path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // Written aside and renamed, so a reader never sees half an entry.
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&temp, doc.to_string()).is_ok() && std::fs::rename(&temp, &path).is_err()
        {
            let _ = std::fs::remove_file(&temp);
        }
    }
}
