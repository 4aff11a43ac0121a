//! What conditions teach: allow-lists, equality with constants, guard calls, traversal tests
//! and prefix checks make the checked values safe on the edge where they hold.

use super::*;

impl Analysis<'_, '_> {
    /// Narrows the state on an edge where `cond` evaluated to `taken`.
    pub(super) fn refine(&mut self, state: &mut State, cond: &Value, taken: bool) {
        let reporting = std::mem::replace(&mut self.reporting, false);
        self.refine_inner(state, cond, taken, 0);
        self.reporting = reporting;
    }

    pub(super) fn refine_inner(
        &mut self,
        state: &mut State,
        cond: &Value,
        taken: bool,
        depth: usize,
    ) {
        if depth > 8 {
            return;
        }
        match &cond.kind {
            ValueKind::Operation { op, operands } => match (*op, operands.as_slice(), taken) {
                ("not", [inner], _) => self.refine_inner(state, inner, !taken, depth + 1),
                ("and", parts, true) | ("or", parts, false) => {
                    for part in parts {
                        self.refine_inner(state, part, taken, depth + 1);
                    }
                }
                ("in", [item, container], true) | ("not in", [item, container], false)
                    if self.is_allow_list(state, container) =>
                {
                    self.validate(state, item, ALL_KINDS);
                }
                // `if ".." in name: abort()`: past the test, the name has no traversal in it.
                ("in", [needle, haystack], false) | ("not in", [needle, haystack], true)
                    if needle
                        .as_str()
                        .is_some_and(|s| s.contains("..") || s == "/" || s == "\\") =>
                {
                    self.validate(state, haystack, kind_bit("path-injection"));
                }
                ("==" | "is", [a, b], true) | ("!=" | "is not", [a, b], false) => {
                    if b.is_constant() {
                        self.validate(state, a, ALL_KINDS);
                    } else if a.is_constant() {
                        self.validate(state, b, ALL_KINDS);
                    }
                }
                _ => {}
            },
            ValueKind::Call(call) if taken => self.refine_call(state, call),
            _ => {}
        }
    }

    pub(super) fn refine_call(&mut self, state: &mut State, call: &Call) {
        let method = call.callee.method.as_deref();
        if let Some(guard) =
            self.inputs
                .models
                .guard_for(call.qualname(), method, self.inputs.active)
        {
            let checked = match guard.checks {
                Checks::Receiver => call.callee.receiver.as_deref(),
                Checks::Argument => call.args.get(guard.argument),
            };
            if let Some(checked) = checked {
                self.validate(state, checked, guard.kinds);
            }
            return;
        }
        // A prefix check on a normalised path keeps it inside the directory it names.
        if method == Some("startswith") {
            if let Some(receiver) = call.callee.receiver.as_deref() {
                let taint = self.eval(state, receiver);
                if taint.labels().iter().any(|l| l.flags & NORMALIZED != 0) {
                    self.validate(state, receiver, kind_bit("path-injection"));
                }
            }
        }
    }

    /// Whether a collection is trusted: its contents do not come from a source.
    pub(super) fn is_allow_list(&mut self, state: &mut State, container: &Value) -> bool {
        if matches!(container.kind, ValueKind::Unknown) {
            return false;
        }
        container.is_constant() || self.eval(state, container).is_clean()
    }

    /// Marks every place a checked value was read from as safe for `kinds`.
    pub(super) fn validate(&mut self, state: &mut State, checked: &Value, kinds: KindSet) {
        let mut places = Vec::new();
        places_in(checked, &mut places, 0);
        for (path, value) in places {
            let taint = self.eval(state, &value);
            state.set(&path, taint.sanitize(kinds), false);
        }
    }
}

/// The access paths a checked value reads, with the values read there.
fn places_in(value: &Value, out: &mut Vec<(CompactString, Value)>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(path) = place(value) {
        out.push((path, value.clone()));
        return;
    }
    match &value.kind {
        ValueKind::Ref {
            base: Some(base), ..
        } => places_in(base, out, depth + 1),
        ValueKind::Call(call) => {
            if let Some(receiver) = &call.callee.receiver {
                places_in(receiver, out, depth + 1);
            }
            for arg in &call.args {
                places_in(arg, out, depth + 1);
            }
        }
        ValueKind::Operation { op: "[]", operands } => {
            if let Some(base) = operands.first() {
                places_in(base, out, depth + 1);
            }
        }
        _ => {}
    }
}
