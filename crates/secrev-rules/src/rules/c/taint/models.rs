//! The C taint models (`models/c/taint.toml`): sources, sinks, sanitizers and propagators, and
//! how a call matches a row.

use crate::rules::c::common::c_name;
use secrev_ir::Call;
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct Models {
    #[serde(default)]
    pub(super) source: Vec<SourceRow>,
    #[serde(default)]
    pub(super) sink: Vec<SinkRow>,
    #[serde(default)]
    pub(super) sanitizer: Vec<NameList>,
    #[serde(default)]
    pub(super) propagator: Vec<NameList>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceRow {
    pub(super) call: Option<String>,
    pub(super) method: Option<String>,
    pub(super) parameter: Option<String>,
    pub(super) function: Option<String>,
    pub(super) buffer: Option<usize>,
    pub(super) threat: String,
    pub(super) label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SinkRow {
    pub(super) call: Option<String>,
    pub(super) method: Option<String>,
    pub(super) args: Vec<usize>,
    pub(super) kind: String,
    /// The threats that do harm here; all when absent.
    #[serde(default)]
    pub(super) threats: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NameList {
    pub(super) call: Vec<String>,
}

pub(super) const MODEL_TEXT: &str = include_str!("../../../../models/c/taint.toml");

/// The models, parsed once; a file that does not parse yields none (a test checks it does).
pub(super) fn models() -> &'static Models {
    static MODELS: OnceLock<Models> = OnceLock::new();
    MODELS.get_or_init(|| toml::from_str(MODEL_TEXT).unwrap_or_default())
}

/// Whether `call` is the one a row names by `call` (free or qualified name) or `method`.
pub(super) fn matches(call: &Call, name: Option<&str>, method: Option<&str>) -> bool {
    if let Some(name) = name {
        let c = c_name(call);
        return c == name || call.qualname() == name;
    }
    method.is_some_and(|m| call.callee.method.as_deref() == Some(m))
}

pub(super) fn named_in(call: &Call, lists: &[NameList]) -> bool {
    lists
        .iter()
        .flat_map(|l| &l.call)
        .any(|n| matches(call, Some(n), None))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_models_parse() {
        let parsed: Result<super::Models, _> = toml::from_str(super::MODEL_TEXT);
        let models = parsed.expect("models/c/taint.toml parses");
        assert!(models.source.len() > 10 && models.sink.len() > 10);
    }
}
