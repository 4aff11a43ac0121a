//! PY912 `decompression-without-limit`: compressed data or an archive from the network expanded
//! with no bound on the size of the result (a decompression bomb).

use super::common::untrusted;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY912",
        name: "decompression-without-limit",
        title: "Untrusted compressed data expanded without a size limit",
        cwe: 409,
        category: Category::CrashDos,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `zlib`/`gzip`/`bz2`/`lzma` `decompress(data)`, a decompressor object's \
                   `decompress(data)` without `max_length`, `read()` of a `gzip.GzipFile` / \
                   `gzip.open` without a size, and `extractall()`/`read()` of a `zipfile.ZipFile` \
                   or `extractall()` of a `tarfile` archive in a function that never looks at the \
                   members' sizes, when the data or archive comes from the network: request data \
                   (`req.body`, `request.files[...]`, `environ['wsgi.input']`), socket reads, or a \
                   parameter of a request handler (a function taking `req`). Decompressing the \
                   service's own images and configuration is not reported. Path checks of tar \
                   members are PY503's business; this rule is about size.",
            why: "Compression ratios are unbounded in practice: 10 KB of deflated zeros inflate to \
                  10 MB, a nested or crafted archive to gigabytes. Whoever sends the data decides \
                  how much memory or disk the worker fills before it is killed, and every request \
                  it was serving fails with it.",
            example: "def upload(self, req, body):\n    data = zlib.decompress(req.body)",
            fix: "def upload(self, req, body):\n    d = zlib.decompressobj()\n    data = d.decompress(req.body, MAX_SIZE)\n    if d.unconsumed_tail:\n        raise webob.exc.HTTPRequestEntityTooLarge()",
            references: &[
                "https://cwe.mitre.org/data/definitions/409.html",
                "https://docs.python.org/3/library/zlib.html#zlib.Decompress.decompress",
                "https://docs.python.org/3/library/zipfile.html#decompression-pitfalls",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const ONE_SHOT: &[&str] = &[
    "zlib.decompress",
    "gzip.decompress",
    "bz2.decompress",
    "lzma.decompress",
];

const DECOMPRESSORS: &[&str] = &[
    "zlib.decompressobj().decompress",
    "bz2.BZ2Decompressor().decompress",
    "lzma.LZMADecompressor().decompress",
];

const GZIP_READERS: &[&str] = &["gzip.GzipFile().read", "gzip.open().read"];

/// The argument of the archive or stream constructor a method is called on
/// (`zipfile.ZipFile(io.BytesIO(body))` → `io.BytesIO(body)`).
fn opened_from<'c>(call: &'c Call, keyword: &str) -> Option<&'c Value> {
    let receiver = call.callee.receiver.as_deref()?;
    let opener = receiver.as_call()?;
    opener.arg(0, keyword).or_else(|| opener.keyword("fileobj"))
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let qualname = call.qualname();
    let method = call.callee.method.as_deref().unwrap_or("");
    let shown = ctx.code(call.span);
    let (data, message, fix) = if call.is_any(ONE_SHOT) {
        let Some(data) = call.arg(0, "data") else {
            return;
        };
        let module = qualname.split('.').next().unwrap_or("zlib");
        let fix = match module {
            "zlib" => format!("Use `d = zlib.decompressobj()` and `d.decompress({}, MAX_SIZE)`, and reject the input when `d.unconsumed_tail` is not empty.", ctx.code(data.span)),
            "gzip" => format!("Use `zlib.decompressobj(wbits=31)` and `d.decompress({}, MAX_SIZE)`, rejecting the input when `d.unconsumed_tail` is not empty.", ctx.code(data.span)),
            _ => format!("Use a `{module}` decompressor object and pass `max_length=MAX_SIZE` to its `decompress`, rejecting the input when `needs_input` is false and data remains."),
        };
        (
            data,
            format!("is inflated by `{qualname}` with no limit on the size of the result"),
            fix,
        )
    } else if call.is_any(DECOMPRESSORS) {
        if call.arg(1, "max_length").is_some() {
            return;
        }
        let Some(data) = call.arg(0, "data") else {
            return;
        };
        (
            data,
            "is decompressed without `max_length`, so the output is as large as the data says".to_owned(),
            format!("Pass a bound: `{}.decompress({}, MAX_SIZE)`, and reject the input when `unconsumed_tail` is not empty.", ctx.code(call.callee.receiver.as_deref().map_or(call.callee.span, |r| r.span)), ctx.code(data.span)),
        )
    } else if call.is_any(GZIP_READERS) && call.arg(0, "size").is_none() {
        let Some(data) = opened_from(call, "filename") else {
            return;
        };
        (
            data,
            "is gunzipped whole by this `read()`, with no limit on the size of the result".to_owned(),
            "Read in bounded chunks (`f.read(CHUNK)`) and stop with an error once the total passes a maximum.".to_owned(),
        )
    } else if (qualname == "zipfile.ZipFile().extractall"
        || qualname == "zipfile.ZipFile().read"
        || qualname == "tarfile.open().extractall"
        || qualname == "tarfile.TarFile().extractall")
        && !checks_sizes(ctx, method)
    {
        let Some(data) = opened_from(
            call,
            if qualname.starts_with("zip") {
                "file"
            } else {
                "name"
            },
        ) else {
            return;
        };
        let (what, size) = if qualname.starts_with("zip") {
            ("zip archive", "file_size")
        } else {
            ("tar archive", "size")
        };
        (
            data,
            format!("is a {what} expanded by `{method}` without looking at its members' sizes"),
            format!("Before extracting, sum `member.{size}` over the members (and count them) and refuse archives beyond a maximum; extract to a size-limited location."),
        )
    } else {
        return;
    };
    let Some(origin) = untrusted(ctx, data) else {
        return;
    };
    out.report(
        call.span,
        format!(
            "`{}` ({origin}) {message}: a small crafted input expands to gigabytes and exhausts the worker's memory or disk (`{shown}`).",
            ctx.code(data.span)
        ),
        fix,
    );
}

/// Whether the function looks at archive members' sizes (`info.file_size`, `member.size`).
fn checks_sizes(ctx: &Context, _method: &str) -> bool {
    let body = ctx.text(ctx.function.span);
    body.contains("file_size") || body.contains(".size") || body.contains("compress_size")
}
