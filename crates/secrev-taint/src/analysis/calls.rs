//! Calls: sources and sinks they are, sanitizers and propagators, summaries of project
//! functions, and stores into sink objects.

use super::*;

impl Analysis<'_, '_> {
    pub(super) fn eval_call(&mut self, state: &mut State, call: &Call) -> Taint {
        let receiver = match &call.callee.receiver {
            Some(receiver) => self.eval(state, receiver),
            None => Taint::clean(),
        };
        let args: Vec<Taint> = call.args.iter().map(|a| self.eval(state, a)).collect();
        let keywords: Vec<Taint> = call
            .keywords
            .iter()
            .map(|k| self.eval(state, &k.value))
            .collect();
        let inputs = CallTaint {
            receiver,
            args,
            keywords,
        };
        let qualname = call.qualname();
        let method = call.callee.method.as_deref();
        let target = self
            .inputs
            .targets
            .get(&(call.span.start, call.span.end))
            .copied();
        if self.reporting {
            self.check_call_sinks(call, &inputs, target.is_some());
        }
        if let (Some(method), Some(receiver)) = (method, &call.callee.receiver) {
            if MUTATORS.contains(&method) {
                if let Some(path) = place(receiver) {
                    let mut added = inputs.all_arguments();
                    if !added.is_clean() {
                        added = added
                            .step(&self.step(call.span, format_compact!("stored in `{path}`")));
                        state.set(&path, added, true);
                    }
                }
            }
        }
        let mut result = self.call_result(state, call, &inputs, target, qualname, method);
        // `body.get("password")`: a lookup under a key that names a secret.
        if let (Some("get" | "pop"), Some(_)) = (method, &call.callee.receiver) {
            if let Some(source) = call
                .args
                .first()
                .and_then(Value::as_str)
                .and_then(|key| self.inputs.models.key_source(key, self.inputs.active))
            {
                result.union(&self.source_label(source, call.span));
            }
        }
        result
    }

    pub(super) fn call_result(
        &mut self,
        state: &mut State,
        call: &Call,
        inputs: &CallTaint,
        target: Option<Target>,
        qualname: &str,
        method: Option<&str>,
    ) -> Taint {
        let models = self.inputs.models;
        let active = self.inputs.active;
        if let Some(source) = models.call_source(qualname, method, active) {
            return self.source_label(source, call.span);
        }
        if !qualname.is_empty() {
            if let Some(source) = models.reference_source(qualname, active) {
                return self.source_label(source, call.span);
            }
        }
        // A member seeded as a source, called (`request.get_full_path()`).
        if let (Some(method), Some(receiver)) = (method, &call.callee.receiver) {
            if let Some(path) = place(receiver) {
                let member = format_compact!("{path}.{method}");
                if let Some(taint) = state.get_exact(&member) {
                    return taint.clone();
                }
                if let Some(source) = models.path_source(&member, active) {
                    return self.source_label(source, call.span);
                }
            }
        }
        let kinds = models
            .sanitizers_for(qualname, method, active)
            .filter(|s| s.when.as_ref().is_none_or(|c| condition_holds(c, call)))
            .fold(0, |acc, s| acc | s.kinds);
        // A function of this file called by name (`_mask(token)`) has no qualified name; the
        // masking rows match its name, for the secrets only.
        let kinds = match (kinds, &call.callee.receiver) {
            (0, None) if qualname.is_empty() => {
                models
                    .sanitizers_for(&call.callee.text, None, active)
                    .fold(0, |acc, s| acc | s.kinds)
                    & kinds::EXPOSURE_KINDS
            }
            _ => kinds,
        };
        if kinds & !kinds::EXPOSURE_KINDS != 0 {
            return inputs.all().sanitize(kinds);
        }
        let taint = self.described_result(call, inputs, target, qualname, method);
        // Masking (`mask_password`, a project's `redact`) hides secrets only: for other data the
        // call is whatever else describes it.
        if kinds != 0 {
            taint.sanitize(kinds)
        } else {
            taint
        }
    }

    /// The result of a call that is no source and no sanitizer for the injection kinds: what a
    /// propagator, the callee's summary or the default for unknown calls makes of its inputs.
    fn described_result(
        &mut self,
        call: &Call,
        inputs: &CallTaint,
        target: Option<Target>,
        qualname: &str,
        method: Option<&str>,
    ) -> Taint {
        let models = self.inputs.models;
        let active = self.inputs.active;
        if let Some(propagator) = models.propagator_for(qualname, method, active) {
            let taint = match propagator.from {
                Flow::Arguments if propagator.confines => inputs.confined_arguments(),
                Flow::Arguments => inputs.all_arguments(),
                Flow::Receiver => inputs.receiver.clone(),
                Flow::All => inputs.all(),
                Flow::Nothing => Taint::clean(),
            };
            return if propagator.normalizes {
                taint.flagged(NORMALIZED)
            } else {
                taint
            };
        }
        if let Some(target) = target {
            if let Some(summary) = self
                .inputs
                .summaries
                .get(target.function)
                .cloned()
                .flatten()
            {
                return self.apply_summary(&summary, call, inputs, target.offset);
            }
        }
        // A call nothing describes: a method of tainted data returns tainted data
        // (`name.strip()`); any other call probably passes its arguments on.
        // Secrets pass on only where the models say they surely do: a method of a value
        // holding one (`items.items()`) is as much a guess as any argument.
        let mut taint = Taint::clean();
        for label in inputs.receiver.labels() {
            if label.is_secret() {
                taint.add(Label {
                    flags: label.flags | APPROXIMATE,
                    ..label.clone()
                });
            } else {
                taint.add(label.clone());
            }
        }
        let arguments = inputs.all_arguments();
        taint.union(&arguments.flagged(APPROXIMATE));
        // Rows for some threats only (`str(password)` is the password): their data surely
        // passes on.
        if let Some(row) = models.threat_propagator_for(qualname, method, active) {
            let kept = match row.from {
                Flow::Arguments => arguments,
                Flow::Receiver => inputs.receiver.clone(),
                Flow::All => inputs.all(),
                Flow::Nothing => Taint::clean(),
            };
            for label in kept.labels() {
                if let Origin::Source { threat, .. } = &label.origin {
                    if row.threats.contains(threat) {
                        taint.add(label.clone());
                    }
                }
            }
        }
        taint
    }

    /// The effect of calling a project function whose summary is known.
    pub(super) fn apply_summary(
        &mut self,
        summary: &Summary,
        call: &Call,
        inputs: &CallTaint,
        offset: usize,
    ) -> Taint {
        let note = format_compact!("passed to `{}`", call.callee.text);
        let step = self.step(call.span, note);
        let argument = |param: u16| -> Taint {
            let param = usize::from(param);
            if offset == 1 && param == 0 {
                return inputs.receiver.clone();
            }
            if let Some(name) = summary.params.get(param) {
                if let Some(i) = call.keywords.iter().position(|k| k.name == *name) {
                    return inputs.keywords[i].clone();
                }
            }
            param
                .checked_sub(offset)
                .and_then(|i| inputs.args.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let mut result = Taint::clean();
        for label in summary.returns.labels() {
            match label.origin {
                Origin::Param(param) => {
                    for arg in argument(param).labels() {
                        result.add(Label {
                            origin: arg.origin.clone(),
                            sanitized: arg.sanitized | for_label(arg, label.sanitized),
                            flags: arg.flags | label.flags,
                            trace: Trace::concat(
                                &Trace::then(&arg.trace, step.clone()),
                                &label.trace,
                            ),
                        });
                    }
                }
                Origin::Source { .. } => result.add(label.clone()),
            }
        }
        if self.reporting {
            for sink in &summary.sinks {
                for arg in argument(sink.param).labels() {
                    let sanitized = arg.sanitized | sink.sanitized;
                    if kinds::has(sanitized, sink.kind) {
                        continue;
                    }
                    let label = Label {
                        origin: arg.origin.clone(),
                        sanitized,
                        flags: arg.flags | sink.flags,
                        trace: Trace::concat(&Trace::then(&arg.trace, step.clone()), &sink.trace),
                    };
                    self.record(sink.kind, &sink.site, label);
                }
            }
        }
        result
    }

    /// Reports the sinks a call is, for the inputs that reach them.
    pub(super) fn check_call_sinks(&mut self, call: &Call, inputs: &CallTaint, in_project: bool) {
        let models = self.inputs.models;
        let qualname = call.qualname();
        let method = call.callee.method.as_deref();
        let mut reached: Vec<(Kind, Taint)> = Vec::new();
        for sink in models.sinks(self.inputs.active) {
            let SinkTarget::Call {
                callee,
                arguments,
                keywords,
                receiver,
                all_arguments,
                when,
                unless,
            } = &sink.target
            else {
                continue;
            };
            if !callee.matches(qualname, method) || (in_project && !callee.is_exact()) {
                continue;
            }
            if when.as_ref().is_some_and(|c| !condition_holds(c, call))
                || unless.as_ref().is_some_and(|c| condition_holds(c, call))
            {
                continue;
            }
            let mut taint = Taint::clean();
            if *all_arguments && kinds::kind_name(sink.kind) == "log-injection" {
                // `%r` shows a value with its line breaks escaped, so it cannot forge a line.
                let shown_as_repr = repr_formatted(call);
                for (position, t) in inputs.args.iter().enumerate() {
                    if !shown_as_repr.contains(&position) {
                        taint.union(t);
                    }
                }
                for t in &inputs.keywords {
                    taint.union(t);
                }
            } else if *all_arguments {
                taint.union(&inputs.all_arguments());
            }
            for &position in arguments {
                if let Some(t) = inputs.args.get(position) {
                    taint.union(t);
                }
            }
            for (keyword, t) in call.keywords.iter().zip(&inputs.keywords) {
                if keywords.iter().any(|k| *k == keyword.name) {
                    taint.union(t);
                }
            }
            if *receiver {
                taint.union(&inputs.receiver);
            }
            if !taint.is_clean() {
                reached.push((sink.kind, taint));
            }
        }
        if reached.is_empty() {
            return;
        }
        let site = Site {
            file: self.inputs.file,
            span: call.span,
            what: format_compact!("`{}`", call_display(call)),
        };
        for (kind, taint) in reached {
            self.reach(kind, &site, &taint);
        }
    }

    /// Reports a store into a sink object (`session['role'] = ...`).
    pub(super) fn check_store(&mut self, target: &Place, taint: &Taint) {
        if taint.is_clean() || !self.reporting {
            return;
        }
        let mut reached = Vec::new();
        for sink in self.inputs.models.sinks(self.inputs.active) {
            let SinkTarget::Store {
                owner,
                path,
                subscript,
            } = &sink.target
            else {
                continue;
            };
            if *subscript && !(target.weak || target.path.ends_with(']')) {
                continue;
            }
            let by_owner = owner
                .as_ref()
                .is_some_and(|glob| target.owner.as_deref().is_some_and(|o| glob.matches(o)));
            let by_path = path.as_deref().is_some_and(|p| {
                target.path.strip_prefix(p).is_some_and(|rest| {
                    rest.starts_with(['.', '[']) || (rest.is_empty() && target.weak)
                })
            });
            if by_owner || by_path {
                reached.push(sink.kind);
            }
        }
        let site = Site {
            file: self.inputs.file,
            span: target.span,
            what: format_compact!("`{}`", target.path),
        };
        for kind in reached {
            self.reach(kind, &site, taint);
        }
    }

    /// Data with this taint reaches a sink of `kind` at `site`.
    pub(super) fn reach(&mut self, kind: Kind, site: &Site, taint: &Taint) {
        let step = Step {
            file: site.file,
            span: site.span,
            note: format_compact!("reaches {}", site.what),
        };
        for label in taint.labels() {
            if kinds::has(label.sanitized, kind) {
                continue;
            }
            let label = Label {
                trace: Trace::then(&label.trace, step.clone()),
                ..label.clone()
            };
            self.record(kind, site, label);
        }
    }

    pub(super) fn record(&mut self, kind: Kind, site: &Site, label: Label) {
        match label.origin {
            // Untrusted data reaches only the injection kinds and secrets only the exposure
            // kinds; a secret is reported only along flows that surely keep its text.
            Origin::Source { threat, .. }
                if !kinds::has(threat.kinds(), kind)
                    || (threat == Threat::Secret && label.flags & APPROXIMATE != 0)
                    || (threat == Threat::Local
                        && kind == kinds::PATH_INJECTION
                        && label.flags & CONFINED == 0) => {}
            Origin::Source {
                threat,
                label: source,
            } => self.hits.push(Hit {
                kind,
                site: site.clone(),
                threat,
                source,
                flags: label.flags,
                trace: label.trace,
            }),
            Origin::Param(param) => self.param_sinks.push(ParamSink {
                param,
                kind,
                sanitized: label.sanitized,
                flags: label.flags,
                trace: label.trace,
                site: site.clone(),
            }),
        }
    }
}

/// What a callee's sanitization means for an argument's label: untrusted data keeps none of
/// the exposure kinds' (they never concern it), so its labels stay what they were.
fn for_label(arg: &Label, sanitized: KindSet) -> KindSet {
    if arg.is_untrusted() {
        sanitized & !kinds::EXPOSURE_KINDS
    } else {
        sanitized
    }
}

/// The taint of each input of a call.
pub(super) struct CallTaint {
    pub(super) receiver: Taint,
    pub(super) args: Vec<Taint>,
    pub(super) keywords: Vec<Taint>,
}

impl CallTaint {
    pub(super) fn all_arguments(&self) -> Taint {
        let mut taint = Taint::clean();
        for t in self.args.iter().chain(&self.keywords) {
            taint.union(t);
        }
        taint
    }

    /// The arguments of a path join: those after the first are placed under it.
    fn confined_arguments(&self) -> Taint {
        let mut taint = Taint::clean();
        for (i, t) in self.args.iter().chain(&self.keywords).enumerate() {
            taint.union(&if i == 0 {
                t.clone()
            } else {
                t.flagged(CONFINED)
            });
        }
        taint
    }

    pub(super) fn all(&self) -> Taint {
        let mut taint = self.all_arguments();
        taint.union(&self.receiver);
        taint
    }
}

/// The positions of the arguments a constant `%`-template in the first argument formats with
/// `%r` or `%a` (`log.debug("got %r", data)`: `data` is argument 1). Empty when the template is
/// not constant or takes its values by key.
fn repr_formatted(call: &Call) -> Vec<usize> {
    let Some(template) = call.args.first().and_then(|v| v.as_str()) else {
        return Vec::new();
    };
    if template.contains("%(") {
        return Vec::new();
    }
    let mut positions = Vec::new();
    let mut next = 1;
    for conversion in secrev_ir::printf::conversions(template)
        .into_iter()
        .filter_map(|(_, c)| c)
    {
        // A `*` width or precision takes its argument before the value's.
        next += conversion.args - 1;
        if matches!(conversion.letter, 'r' | 'a') {
            positions.push(next);
        }
        next += 1;
    }
    positions
}

/// Whether an argument condition of a model row holds at this call.
fn condition_holds(condition: &Condition, call: &Call) -> bool {
    let value = match (&condition.keyword, condition.position) {
        (Some(keyword), Some(position)) => call.arg(position, keyword),
        (Some(keyword), None) => call.keyword(keyword),
        (None, Some(position)) => call.args.get(position),
        (None, None) => None,
    };
    let Some(value) = value else {
        return false;
    };
    if let Some(expected) = condition.is {
        return value.truth() == Some(expected);
    }
    let resolved = value.resolved();
    let name = resolved.qualname().or_else(|| resolved.as_str());
    name.is_some_and(|n| condition.one_of.iter().any(|o| o == n))
}

/// How a call is named in messages.
fn call_display(call: &Call) -> String {
    match call.callee.qualname.as_deref() {
        Some(q) if !q.contains("()") => q.to_owned(),
        _ => call.callee.text.to_string(),
    }
}
