//! PY911 `regex-catastrophic-backtracking`: a regular expression whose nested or overlapping
//! quantifiers make Python's backtracking engine take exponential time on some inputs.

use super::common::untrusted;
use super::regex::{catastrophic, Cause, Flags};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY911",
        name: "regex-catastrophic-backtracking",
        title: "Regular expression with exponential backtracking (ReDoS)",
        cwe: 1333,
        category: Category::CrashDos,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Parses the constant pattern given to `re`/`regex` `compile`, `match`, `search`, \
                   `fullmatch`, `findall`, `finditer`, `sub`, `subn` and `split` (flags such as \
                   `re.VERBOSE` and `(?i)` included) and finds a repetition that can match a run \
                   of one character in more than one way: a repeated part containing another \
                   unbounded repetition of the same characters (`(a+)+`, `(\\w+\\s?)*`, \
                   `(.*a){10}`) or alternatives that match the same text (`(a|a)*`, `(\\w|\\d)+`), \
                   followed by something that can fail (`$`, a required character, `fullmatch`). \
                   Overlap is decided on the character sets, so `^(\\d+\\.)*\\d+$`, whose dot \
                   separates the runs, is not reported. A pattern applied to request data, socket \
                   data or a request handler's parameter is reported at high severity.",
            why: "Python's `re` engine backtracks: when the match fails, it tries every way of \
                  dividing the run between the iterations, 2^n of them for n characters. Thirty \
                  characters take seconds, forty take hours, and the worker (a greenthread holding \
                  the GIL, an API process) does nothing else meanwhile: one request denies \
                  service to everyone.",
            example: "NAME_RE = re.compile(r'^(\\w+\\s?)*$')\nif not NAME_RE.match(body['name']):\n    raise exc.HTTPBadRequest()",
            fix: "NAME_RE = re.compile(r'^\\w+(\\s\\w+)*\\s?$')  # each iteration starts with the separator\nif len(body['name']) > 255 or not NAME_RE.match(body['name']):\n    raise exc.HTTPBadRequest()",
            references: &[
                "https://cwe.mitre.org/data/definitions/1333.html",
                "https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS",
                "https://docs.python.org/3/library/re.html#regular-expression-syntax",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// The functions of `re` (and `regex`) that take a pattern first, with the positions of the
/// string they are applied to and of their flags.
const FUNCTIONS: &[(&str, Option<usize>, usize)] = &[
    ("compile", None, 1),
    ("match", Some(1), 2),
    ("search", Some(1), 2),
    ("fullmatch", Some(1), 2),
    ("findall", Some(1), 2),
    ("finditer", Some(1), 2),
    ("sub", Some(2), 4),
    ("subn", Some(2), 4),
    ("split", Some(1), 3),
];

/// The flags given, or `None` when they cannot be read.
fn flags_of(value: Option<&Value>) -> Option<Flags> {
    let mut flags = Flags::default();
    let Some(value) = value else {
        return Some(flags);
    };
    let mut unknown = false;
    any_in(value.resolved(), &mut |v| {
        match &v.resolved().kind {
            ValueKind::Ref { qualname, .. } => {
                let name = qualname.as_deref().unwrap_or("");
                let flag = name.rsplit('.').next().unwrap_or("");
                if !(name.starts_with("re.") || name.starts_with("regex.")) {
                    unknown = true;
                }
                match flag {
                    "X" | "VERBOSE" => flags.verbose = true,
                    "I" | "IGNORECASE" => flags.ignore_case = true,
                    "S" | "DOTALL" => flags.dot_all = true,
                    "A" | "ASCII" => flags.ascii = true,
                    _ => {}
                }
            }
            ValueKind::Int(bits) => {
                flags.ignore_case |= bits & 2 != 0;
                flags.dot_all |= bits & 16 != 0;
                flags.verbose |= bits & 64 != 0;
                flags.ascii |= bits & 256 != 0;
            }
            ValueKind::Operation { .. } => {}
            _ => unknown = true,
        }
        false
    });
    (!unknown).then_some(flags)
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let qualname = call.qualname();
    let Some((module, function)) = qualname.rsplit_once('.') else {
        return;
    };
    if module != "re" && module != "regex" {
        return;
    }
    let Some(&(_, subject_at, flags_at)) = FUNCTIONS.iter().find(|(f, _, _)| *f == function) else {
        return;
    };
    let Some(pattern_arg) = call.arg(0, "pattern") else {
        return;
    };
    let pattern_value = pattern_arg.resolved();
    let pattern = match &pattern_value.kind {
        ValueKind::Str(s) => s.clone(),
        ValueKind::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        _ => return,
    };
    let Some(flags) = flags_of(call.arg(flags_at, "flags")) else {
        return;
    };
    let Some(found) = catastrophic(&pattern, flags, function == "fullmatch") else {
        return;
    };
    let subject = subject_at.and_then(|at| call.arg(at, "string"));
    let origin = subject.and_then(|s| untrusted(ctx, s));
    let applied = match (&origin, subject) {
        (Some(origin), Some(subject)) => {
            format!(
                " `{}` ({origin}) is matched against it",
                ctx.code(subject.span)
            )
        }
        _ => String::new(),
    };
    let repeat = &found.repeat;
    let sample = &found.sample;
    let why = match &found.cause {
        Cause::Nested(inner) => format!(
            "`{repeat}` repeats `{inner}`, so a long run of {sample} can be split between the iterations in exponentially many ways"
        ),
        Cause::Ambiguous => format!(
            "the alternatives inside `{repeat}` can match the same {sample}, so a long run of them has exponentially many parses"
        ),
    };
    let message = if applied.is_empty() {
        format!("{why}: an input that almost matches makes the match try them all before failing.")
    } else {
        format!("{why}, and{applied}: a few dozen characters that almost match stall the worker.")
    };
    let fix = match &found.cause {
        Cause::Nested(inner) => format!(
            "Make `{repeat}` unambiguous: let each iteration start with something `{inner}` cannot match (a required separator, not an optional one), or make the inner part possessive (`{inner}+`) or atomic (`(?>...)`, Python 3.11+); and bound the input's length before matching."
        ),
        Cause::Ambiguous => format!(
            "Make the alternatives inside `{repeat}` match different first characters (merge them into one class), or make the repetition possessive (Python 3.11+); and bound the input's length before matching."
        ),
    };
    let hit = out.report(pattern_arg.span, message, fix);
    if origin.is_some() {
        hit.severity(Severity::High).confidence(Confidence::High);
    }
    if pattern_value.span != pattern_arg.span {
        hit.related(pattern_value.span, "the pattern is defined here");
    }
}
