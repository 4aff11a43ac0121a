//! The taint of values: names and paths, built strings, operations.

use super::*;

impl Analysis<'_, '_> {
    /// The taint of a value, reporting the sinks reached inside it.
    pub(super) fn eval(&mut self, state: &mut State, value: &Value) -> Taint {
        match &value.kind {
            ValueKind::Str(_)
            | ValueKind::Bytes(_)
            | ValueKind::Int(_)
            | ValueKind::Float(_)
            | ValueKind::Bool(_)
            | ValueKind::None
            | ValueKind::Unknown => Taint::clean(),
            ValueKind::Ref {
                path,
                qualname,
                bound,
                base,
            } => {
                if let Some(base) = base {
                    let mut taint = self.eval(state, base);
                    let models = self.inputs.models;
                    let active = self.inputs.active;
                    if let Some(source) = qualname
                        .as_deref()
                        .and_then(|q| models.reference_source(q, active))
                        .or_else(|| models.attribute_source(path, active))
                    {
                        taint.union(&self.source_label(source, value.span));
                    }
                    return taint;
                }
                self.read_path(
                    state,
                    path,
                    qualname.as_deref(),
                    bound.as_deref(),
                    value.span,
                )
            }
            ValueKind::Build { kind, parts } => self.eval_build(state, *kind, parts),
            ValueKind::Call(call) => self.eval_call(state, call),
            ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
                let mut taint = Taint::clean();
                for item in items {
                    taint.union(&self.eval(state, item));
                }
                taint
            }
            ValueKind::Dict(entries) => {
                let mut taint = Taint::clean();
                for (key, item) in entries {
                    if let Some(key) = key {
                        taint.union(&self.eval(state, key));
                    }
                    taint.union(&self.eval(state, item));
                }
                taint
            }
            ValueKind::Comprehension { bindings, elements } => {
                let depth = self.overlay.len();
                for (name, items) in bindings {
                    let taint = self.eval(state, items);
                    self.overlay.push((name.clone(), taint));
                }
                let mut taint = Taint::clean();
                for element in elements {
                    taint.union(&self.eval(state, element));
                }
                self.overlay.truncate(depth);
                taint
            }
            ValueKind::Operation { op, operands } => {
                self.eval_operation(state, op, operands, value.span)
            }
        }
    }

    /// A name or attribute path: what the function stored there, else a source it names, else
    /// the value it was bound to once (a module constant).
    pub(super) fn read_path(
        &mut self,
        state: &mut State,
        path: &str,
        qualname: Option<&str>,
        bound: Option<&Value>,
        span: ByteSpan,
    ) -> Taint {
        let root = path.split(['.', '[']).next().unwrap_or(path);
        if let Some((_, taint)) = self.overlay.iter().rev().find(|(name, _)| name == root) {
            return taint.clone();
        }
        if let Some(taint) = state.get_exact(path) {
            return taint.clone();
        }
        // A source read from a tracked object (`self.request.body` in a handler whose `self`
        // carries its caller's taint) is still a source.
        let inherited = state.get(path).cloned();
        let models = self.inputs.models;
        let active = self.inputs.active;
        let source = qualname
            .and_then(|q| models.reference_source(q, active))
            .or_else(|| models.path_source(path, active));
        if let Some(source) = source {
            let mut taint = self.source_label(source, span);
            taint.union(&inherited.unwrap_or_default());
            return taint;
        }
        // An attribute named like a secret (`conf.admin_password`): a secret, and whatever its
        // object carries.
        if let Some(source) = models.attribute_source(path, active) {
            let mut taint = self.source_label(source, span);
            taint.union(&inherited.unwrap_or_default());
            return taint;
        }
        if let Some(taint) = inherited {
            return taint;
        }
        match bound {
            Some(bound) if self.bound_depth < MAX_BOUND_DEPTH => {
                self.bound_depth += 1;
                let reporting = std::mem::replace(&mut self.reporting, false);
                let taint = self.eval(&mut State::default(), bound);
                self.reporting = reporting;
                self.bound_depth -= 1;
                taint
            }
            _ => Taint::clean(),
        }
    }

    pub(super) fn eval_build(
        &mut self,
        state: &mut State,
        kind: BuildKind,
        parts: &[Part],
    ) -> Taint {
        let mut taint = Taint::clean();
        // The text so far, with clean holes as placeholders; `None` once a tainted hole came
        // before the scheme and host were settled.
        let mut prefix = (kind != BuildKind::Join).then(String::new);
        let mut fixed_host = false;
        for part in parts {
            match part {
                Part::Lit(text) => {
                    if let Some(prefix) = prefix.as_mut().filter(|_| !fixed_host) {
                        prefix.push_str(text);
                        fixed_host = fixes_host(prefix);
                    }
                }
                Part::Hole(value) => {
                    let hole = self.eval(state, value);
                    // Data after text that fixes the scheme and host (constants or clean
                    // values, such as a configured endpoint) cannot send a request or a
                    // browser anywhere else.
                    let hole = if fixed_host {
                        hole.sanitize(kind_bit("open-redirect") | kind_bit("ssrf"))
                    } else {
                        if hole.is_clean() {
                            if let Some(prefix) = prefix.as_mut() {
                                prefix.push('x');
                            }
                        } else {
                            prefix = None;
                        }
                        hole
                    };
                    taint.union(&hole);
                }
            }
        }
        taint
    }

    pub(super) fn eval_operation(
        &mut self,
        state: &mut State,
        op: &str,
        operands: &[Value],
        span: ByteSpan,
    ) -> Taint {
        match (op, operands) {
            // A number cannot carry an injection.
            ("number", [operand]) => {
                self.eval(state, operand);
                Taint::clean()
            }
            // An element: what was stored under that constant key, else the container's taint
            // (a constant table looked up with untrusted data yields constants).
            // The elements of a byte string built in place (`for b in bytearray(data)`) are
            // integers.
            ("[]", [base, key]) if is_byte_string_call(base) => {
                self.eval(state, key);
                self.eval(state, base);
                Taint::clean()
            }
            ("[]", [base, key]) => {
                self.eval(state, key);
                let base_taint = self.eval(state, base);
                let mut taint =
                    match subscript_path(base, key).and_then(|path| state.get_exact(&path)) {
                        Some(taint) => taint.clone(),
                        None => base_taint,
                    };
                match &key.kind {
                    // `body["password"]`: an element under a key that names a secret.
                    ValueKind::Str(name) => {
                        let models = self.inputs.models;
                        if let Some(source) = models.key_source(name, self.inputs.active) {
                            taint.union(&self.source_label(source, span));
                        }
                    }
                    // A slice (`token[:6]`) shows only part of a secret.
                    ValueKind::Unknown => taint = taint.sanitize_secrets(kinds::EXPOSURE_KINDS),
                    _ => {}
                }
                taint
            }
            // Tests produce booleans; the operands are still evaluated for the sinks in them.
            (
                "==" | "!=" | "<" | "<=" | ">" | ">=" | "is" | "is not" | "in" | "not in" | "not",
                _,
            ) => {
                for operand in operands {
                    self.eval(state, operand);
                }
                Taint::clean()
            }
            _ => {
                let mut taint = Taint::clean();
                for operand in operands {
                    taint.union(&self.eval(state, operand));
                }
                taint
            }
        }
    }
}

/// `bytes(...)` or `bytearray(...)`.
fn is_byte_string_call(value: &Value) -> bool {
    matches!(&value.kind, ValueKind::Call(call)
        if matches!(call.callee.qualname.as_deref(), Some("builtins.bytes" | "builtins.bytearray")))
}

pub(super) fn kind_bit(name: &str) -> KindSet {
    kinds::kind(name).map_or(0, |k| 1 << k)
}

/// Whether a string that starts with `text` has its scheme and host fixed by it: a path on this
/// site (`/profile/`), or an absolute URL up to the slash after the host.
fn fixes_host(text: &str) -> bool {
    if let Some(rest) = text.strip_prefix('/') {
        return !rest.is_empty() && !rest.starts_with(['/', '\\']);
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+')
        && rest.find('/').is_some_and(|slash| slash > 0)
}

/// The part of a route's return value sent as an HTML body: the value itself, or the first item
/// of a `(body, status, headers)` tuple. `None` for JSON (dicts, lists) and for a tuple whose
/// headers set a content type other than HTML.
pub(super) fn html_body(value: &Value) -> Option<&Value> {
    match &value.resolved().kind {
        ValueKind::Dict(_) | ValueKind::List(_) => None,
        ValueKind::Tuple(items) => {
            let body = items.first()?;
            let plain = items[1..].iter().any(|item| match &item.resolved().kind {
                ValueKind::Dict(headers) => headers.iter().any(|(key, value)| {
                    key.as_ref()
                        .and_then(Value::as_str)
                        .is_some_and(|k| k.eq_ignore_ascii_case("content-type"))
                        && value.as_str().is_some_and(|v| !v.contains("html"))
                }),
                _ => false,
            });
            (!plain).then_some(body)
        }
        _ => Some(value),
    }
}

/// The canonical access path of a value that is read from one (`name`, `obj.attr`, `d[key]`).
pub(crate) fn place(value: &Value) -> Option<CompactString> {
    match &value.kind {
        ValueKind::Ref {
            path, base: None, ..
        } => Some(path.clone()),
        ValueKind::Operation { op: "[]", operands } => match operands.as_slice() {
            [base, key] => subscript_path(base, key),
            _ => None,
        },
        _ => None,
    }
}

/// The access path of `base[key]` for a constant key.
pub(super) fn subscript_path(base: &Value, key: &Value) -> Option<CompactString> {
    let base = place(base)?;
    match (key.as_str(), key.as_int()) {
        (Some(key), _) => Some(format_compact!("{base}[{key}]")),
        (None, Some(i)) => Some(format_compact!("{base}[{i}]")),
        _ => None,
    }
}
