//! PY204 `yaml-unsafe-load`: PyYAML loading with a loader that builds arbitrary Python objects.

use super::common::{source, Source};
use crate::helpers::{call_name, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY204",
        name: "yaml-unsafe-load",
        title: "YAML loaded without `SafeLoader`",
        cwe: 502,
        category: Category::Deserialization,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds PyYAML `yaml.load`/`load_all` called with `Loader=yaml.Loader`, \
                   `UnsafeLoader`, `FullLoader` (or their C variants) or with no loader at all, and \
                   `yaml.unsafe_load`/`unsafe_load_all` and `yaml.full_load`/`full_load_all`. \
                   `SafeLoader`, `CSafeLoader`, `BaseLoader` and loaders whose name says `Safe` are \
                   safe; YAML text written in the code is not reported.",
            why: "The unsafe loaders honour tags such as `!!python/object/apply:os.system`, so a \
                  YAML document can construct any Python object and call any function while it is \
                  parsed. Configuration uploaded by a user, fetched from a URL or read from a \
                  shared location then runs code in the service. `FullLoader` blocks the known \
                  call tags but still builds arbitrary objects and has had bypasses, so it is \
                  reported at medium severity.",
            example: "config = yaml.load(request.data, Loader=yaml.Loader)",
            fix: "config = yaml.safe_load(request.data)",
            references: &[
                "https://cwe.mitre.org/data/definitions/502.html",
                "https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation",
                "https://pyyaml.org/wiki/PyYAMLDocumentation",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// How much a loader allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loader {
    Safe,
    Full,
    Unsafe,
    /// Not given: `FullLoader` with a warning on PyYAML 5.1-5.4, fully unsafe before 5.1, an
    /// error from 6.0.
    Missing,
    /// A loader the analysis cannot name.
    Unknown,
}

fn classify(loader: Option<&Value>) -> Loader {
    let Some(loader) = loader else {
        return Loader::Missing;
    };
    let name = loader
        .qualname()
        .or_else(|| loader.last_name())
        .map(|q| q.rsplit('.').next().unwrap_or(q));
    match name {
        Some("Loader" | "UnsafeLoader" | "CLoader" | "CUnsafeLoader") => Loader::Unsafe,
        Some("FullLoader" | "CFullLoader") => Loader::Full,
        Some("BaseLoader" | "CBaseLoader") => Loader::Safe,
        Some(n) if n.contains("Safe") => Loader::Safe,
        _ => Loader::Unknown,
    }
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let loader = match call.qualname() {
        "yaml.load" | "yaml.load_all" => classify(call.arg(1, "Loader")),
        "yaml.unsafe_load" | "yaml.unsafe_load_all" => Loader::Unsafe,
        "yaml.full_load" | "yaml.full_load_all" => Loader::Full,
        _ => return,
    };
    if matches!(loader, Loader::Safe | Loader::Unknown) {
        return;
    }
    let Some(stream) = call.arg(0, "stream") else {
        return;
    };
    let data_source = source(stream, false);
    if data_source == Source::Literal {
        return;
    }
    let name = call_name(call);
    let shown = quote(ctx, stream);
    let safe = if name.ends_with("_all") {
        "yaml.safe_load_all"
    } else {
        "yaml.safe_load"
    };
    let (how, severity) = match loader {
        Loader::Unsafe => ("with a loader that can build any Python object and call any function", Severity::High),
        Loader::Full => ("with `FullLoader`, which still builds arbitrary Python objects", Severity::Medium),
        _ => ("without a `Loader`, which on PyYAML before 6.0 falls back to a loader that builds arbitrary Python objects", Severity::High),
    };
    let hit = out.report(
        call.span,
        format!("`{name}` parses {shown} {how}, so tags in the document decide what gets constructed."),
        format!("Call `{safe}({})` (or pass `Loader=yaml.SafeLoader`); if custom types are needed, register constructors on a `SafeLoader` subclass.", ctx.code(stream.span)),
    );
    hit.severity(severity);
    if data_source == Source::ConstantPath || loader == Loader::Missing {
        hit.confidence(Confidence::Medium);
    }
}
