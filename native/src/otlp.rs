//! The OTLP fast path of `otel import` and `otel serve`: reads a protobuf ExportTraceServiceRequest
//! with a small wire reader and runs the mapping plan (built by otel/native_spans.py from
//! schemas/otel-mapping/<version>.json) on each span, writing the NDJSON lines the Python mapper
//! writes, each proven by the block checker and passed through the semantic lint's rules.
//!
//! One-sided like the checker: a span it cannot map with certainty (an id problem, a value of an
//! unexpected type or shape, a rejection, a line it cannot prove, a float it would not write as
//! orjson does) is handed back, and Python maps it (or rejects it, with the reason). A request whose
//! wire form departs from the plain encoding in any way is handed back whole.

use std::collections::HashMap;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use serde::Deserialize;

use crate::BlockChecker;

#[path = "otlp_json.rs"]
mod json;

// ---------------------------------------------------------------------------------------------
// the plan

#[derive(Deserialize)]
struct SourcePlan {
    attribute: String,
    resource: bool,
    wanted: Option<String>, // the attribute's registry type (None: unchecked)
    values: Option<HashMap<String, String>>,
    keep_others: bool,
    wrap: bool,
    scale: Option<f64>,
    round: Option<i32>,
}

#[derive(Deserialize)]
struct FactPlan {
    name: String,
    sources: Vec<SourcePlan>,
    to_float: bool,
    is_uuid: bool,
    derive: Option<String>,
    default: Option<String>,
}

#[derive(Deserialize)]
struct MemberPlan {
    path: Vec<String>,
    fact: Option<String>,
    constant: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct EventPlan {
    #[allow(dead_code)] // the plan names the kind for its readers; the lines carry its code
    kind: String,
    code: String,
    payload_type: String,
    tag: String,
    tag_value: String,
    when: Vec<String>,
    event_id: String,
    rule: Option<String>, // the semantic lint's rule for the payload type
    members: Vec<MemberPlan>,
}

#[derive(Deserialize)]
struct PlanText {
    version: String,
    markers: Vec<String>,
    span_kinds: Vec<String>,
    allowed_kinds: Vec<String>,
    openinference_kinds: Vec<String>,
    model_operations: Vec<String>,
    facts: Vec<FactPlan>,
    totals: Vec<(String, Vec<String>)>,
    envelope: Vec<MemberPlan>,
    head: Vec<String>,
    events: Vec<EventPlan>,
    tag_resource: Vec<String>,
    tag_span: Vec<String>,
    tag_prefix: String,
    source_module: String,
    environment: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Rule {
    Duration,
    WindowSeconds,
    Start,
    SpanId,
    TraceId,
    TraceUuid,
    ParentUuid,
    InputPlusOutput,
    ZeroForEmbeddings,
    OnePerError,
    Tags,
    Environment,
    SourceModule,
    Severity,
    Absent,
}

fn rule_of(name: &str) -> Option<Rule> {
    Some(match name {
        "span_duration_ms" => Rule::Duration,
        "span_duration_seconds_ceil" => Rule::WindowSeconds,
        "span_start" => Rule::Start,
        "span_id" => Rule::SpanId,
        "trace_id" => Rule::TraceId,
        "trace_uuid" => Rule::TraceUuid,
        "parent_span_event_uuid" => Rule::ParentUuid,
        "input_plus_output" => Rule::InputPlusOutput,
        "zero_for_embeddings" => Rule::ZeroForEmbeddings,
        "one_per_error_type" => Rule::OnePerError,
        "tags" => Rule::Tags,
        "unknown_environment" => Rule::Environment,
        "hub_source_module" => Rule::SourceModule,
        "error_if_error_type" => Rule::Severity,
        "event_uuid" => Rule::Absent,
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Wanted {
    Any,
    Str,
    Int,
    Double,
    Bool,
    StrList,
}

struct Source {
    attribute: String,
    resource: bool,
    wanted: Wanted,
    values: Option<HashMap<String, String>>,
    keep_others: bool,
    wrap: bool,
    scale: Option<f64>,
    round: Option<i32>,
}

struct Fact {
    sources: Vec<Source>,
    to_float: bool,
    is_uuid: bool,
    derive: Option<Rule>,
    default: Option<Rule>,
}

enum Member {
    Fact(Vec<String>, usize),
    Constant(Vec<String>, Val),
}

#[derive(Clone, Copy, PartialEq)]
enum LeafRule {
    Tokens,
    Latency,
    ErrorRate,
}

struct Event {
    code: String,
    payload_type: String,
    tag: String,
    tag_value: String,
    when: Vec<usize>,
    event_id: usize,
    rule: Option<LeafRule>,
    members: Vec<Member>,
}

struct Facts {
    operation: Option<usize>,
    input: Option<usize>,
    output: Option<usize>,
    error_type: Option<usize>,
}

#[pyclass(frozen)]
pub(crate) struct SpanPlan {
    version_member: Vec<u8>,
    markers: Vec<String>,
    span_kinds: Vec<String>,
    allowed_kinds: Vec<String>,
    openinference_kinds: Vec<String>,
    model_operations: Vec<String>,
    types: HashMap<String, Wanted>,
    facts: Vec<Fact>,
    model_id: usize,
    named: Facts,
    totals: Vec<(usize, Vec<usize>)>,
    head: Vec<Member>,
    tail: Vec<Member>,
    events: Vec<Event>,
    tag_resource: Vec<String>,
    tag_span: Vec<String>,
    tag_prefix: String,
    source_module: String,
    environment: String,
}

fn wanted_of(name: Option<&str>) -> Result<Wanted, String> {
    Ok(match name {
        None => Wanted::Any,
        Some("string") => Wanted::Str,
        Some("int") => Wanted::Int,
        Some("double") => Wanted::Double,
        Some("boolean") => Wanted::Bool,
        Some("string[]") => Wanted::StrList,
        Some(other) => return Err(format!("attribute type {other}")),
    })
}

fn value_of(value: &serde_json::Value) -> Result<Val, String> {
    Ok(match value {
        serde_json::Value::String(text) => Val::Str(text.clone()),
        serde_json::Value::Bool(flag) => Val::Bool(*flag),
        serde_json::Value::Number(number) if number.is_i64() => Val::Int(number.as_i64().unwrap_or_default()),
        serde_json::Value::Number(number) if number.is_f64() => Val::Float(number.as_f64().unwrap_or_default()),
        other => return Err(format!("constant {other}")),
    })
}

impl SpanPlan {
    fn build(text: PlanText) -> Result<Self, String> {
        let index: HashMap<String, usize> = text.facts.iter().enumerate().map(|(i, f)| (f.name.clone(), i)).collect();
        let fact = |name: &str| index.get(name).copied().ok_or_else(|| format!("fact {name}"));
        let rule = |name: &Option<String>| match name {
            None => Ok(None),
            Some(name) => rule_of(name).map(Some).ok_or_else(|| format!("derivation {name}")),
        };
        let mut facts = Vec::new();
        let mut types = HashMap::new();
        for f in &text.facts {
            let mut sources = Vec::new();
            for s in &f.sources {
                let wanted = wanted_of(s.wanted.as_deref())?;
                types.insert(s.attribute.clone(), wanted);
                sources.push(Source {
                    attribute: s.attribute.clone(),
                    resource: s.resource,
                    wanted,
                    values: s.values.clone(),
                    keep_others: s.keep_others,
                    wrap: s.wrap,
                    scale: s.scale,
                    round: s.round,
                });
            }
            facts.push(Fact { sources, to_float: f.to_float, is_uuid: f.is_uuid, derive: rule(&f.derive)?,
                              default: rule(&f.default)? });
        }
        let member = |m: &MemberPlan| -> Result<Member, String> {
            match (&m.fact, &m.constant) {
                (Some(name), None) => Ok(Member::Fact(m.path.clone(), fact(name)?)),
                (None, Some(value)) => Ok(Member::Constant(m.path.clone(), value_of(value)?)),
                _ => Err("member".into()),
            }
        };
        let mut head = Vec::new();
        for name in &text.head {
            if let Some(m) = text.envelope.iter().find(|m| m.path.len() == 1 && &m.path[0] == name) {
                head.push(member(m)?);
            }
        }
        let mut tail = Vec::new();
        for m in &text.envelope {
            if m.path.len() != 1 {
                return Err("a nested envelope member".into());
            }
            if !text.head.contains(&m.path[0]) {
                tail.push(member(m)?);
            }
        }
        let mut events = Vec::new();
        for e in &text.events {
            let rule = match e.rule.as_deref() {
                None => None,
                Some("TokenUsageMetrics") => Some(LeafRule::Tokens),
                Some("LatencyMetrics") => Some(LeafRule::Latency),
                Some("ErrorRateMetrics") => Some(LeafRule::ErrorRate),
                Some(other) => return Err(format!("semantic rule {other}")),
            };
            events.push(Event {
                code: e.code.clone(),
                payload_type: e.payload_type.clone(),
                tag: e.tag.clone(),
                tag_value: e.tag_value.clone(),
                when: e.when.iter().map(|n| fact(n)).collect::<Result<_, _>>()?,
                event_id: fact(&e.event_id)?,
                rule,
                members: e.members.iter().map(member).collect::<Result<_, _>>()?,
            });
        }
        if events.len() > 7 {
            return Err("more than 7 events".into());
        }
        let totals = text.totals.iter()
            .map(|(t, parts)| Ok((fact(t)?, parts.iter().map(|p| fact(p)).collect::<Result<_, String>>()?)))
            .collect::<Result<_, String>>()?;
        let mut version_member = b",\"schema_version\":".to_vec();
        write_str(&mut version_member, &text.version);
        Ok(SpanPlan {
            version_member,
            markers: text.markers,
            span_kinds: text.span_kinds,
            allowed_kinds: text.allowed_kinds,
            openinference_kinds: text.openinference_kinds,
            model_operations: text.model_operations,
            types,
            model_id: fact("model_id")?,
            named: Facts { operation: index.get("operation").copied(), input: index.get("input_tokens").copied(),
                           output: index.get("output_tokens").copied(), error_type: index.get("error_type").copied() },
            facts,
            totals,
            head,
            tail,
            events,
            tag_resource: text.tag_resource,
            tag_span: text.tag_span,
            tag_prefix: text.tag_prefix,
            source_module: text.source_module,
            environment: text.environment,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// values

#[derive(Clone, PartialEq, Debug)]
enum Val {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    StrList(Vec<String>),
    Map(Vec<(String, Val)>),
}

/// An attribute's value as read from the wire (anything else makes the span Python's).
#[derive(Clone, Copy)]
enum Attr<'a> {
    Str(&'a str),
    Int(i64),
    Double(f64),
    Bool(bool),
    StrList(&'a [u8]), // the ArrayValue's bytes (every element a string)
    JsonList(&'a [json::Json<'a>]), // an OTLP/JSON ArrayValue's values (every one a {"stringValue": ...})
}

fn fits(value: &Attr, wanted: Wanted) -> bool {
    match wanted {
        Wanted::Any => true,
        Wanted::Str => matches!(value, Attr::Str(_)),
        Wanted::Int => matches!(value, Attr::Int(_)),
        Wanted::Double => matches!(value, Attr::Int(_) | Attr::Double(_)),
        Wanted::Bool => matches!(value, Attr::Bool(_)),
        Wanted::StrList => matches!(value, Attr::StrList(_) | Attr::JsonList(_)),
    }
}

fn strings(data: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut reader = Reader::new(data);
    while let Some(Ok((_, Field::Len(item)))) = reader.next_field() {
        let mut inner = Reader::new(item);
        if let Some(Ok((1, Field::Len(text)))) = inner.next_field() {
            found.push(String::from_utf8_lossy(text).into_owned()); // checked by the request's walk
        }
    }
    found
}

fn owned(value: &Attr) -> Val {
    match *value {
        Attr::Str(text) => Val::Str(text.to_owned()),
        Attr::Int(number) => Val::Int(number),
        Attr::Double(number) => Val::Float(number),
        Attr::Bool(flag) => Val::Bool(flag),
        Attr::StrList(data) => Val::StrList(strings(data)),
        Attr::JsonList(items) => Val::StrList(json::strings(items)),
    }
}

// ---------------------------------------------------------------------------------------------
// the protobuf wire reader

enum Field<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32,
    Len(&'a [u8]),
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8]) -> Self {
        Reader { data, at: 0 }
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in 0..10 {
            let byte = *self.data.get(self.at)?;
            self.at += 1;
            if shift == 9 && byte > 1 {
                return None;
            }
            value |= u64::from(byte & 0x7f) << (7 * shift);
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }

    /// The next field, None at the end, Some(Err) for anything but the plain encoding.
    fn next_field(&mut self) -> Option<Result<(u32, Field<'a>), ()>> {
        if self.at >= self.data.len() {
            return None;
        }
        Some(self.field())
    }

    fn field(&mut self) -> Result<(u32, Field<'a>), ()> {
        let key = self.varint().ok_or(())?;
        let number = key >> 3;
        if number == 0 || number > 536_870_911 {
            return Err(());
        }
        let value = match key & 7 {
            0 => Field::Varint(self.varint().ok_or(())?),
            1 => {
                let bytes = self.data.get(self.at..self.at + 8).ok_or(())?;
                self.at += 8;
                Field::Fixed64(u64::from_le_bytes(bytes.try_into().map_err(|_| ())?))
            }
            5 => {
                self.data.get(self.at..self.at + 4).ok_or(())?;
                self.at += 4;
                Field::Fixed32
            }
            2 => {
                let size = usize::try_from(self.varint().ok_or(())?).map_err(|_| ())?;
                let end = self.at.checked_add(size).ok_or(())?;
                let bytes = self.data.get(self.at..end).ok_or(())?;
                self.at = end;
                Field::Len(bytes)
            }
            _ => return Err(()), // groups: not in OTLP
        };
        Ok((number as u32, value))
    }
}

/// Why a request or span is handed back to Python.
type Fail = ();

fn text(data: &[u8]) -> Result<&str, Fail> {
    std::str::from_utf8(data).map_err(|_| ())
}

/// Walks a message whose fields are `(number, kind)`: 's' string, 'b' bytes, 'v' varint, 'x' fixed64,
/// 'y' fixed32, 'k' KeyValue, 'a' AnyValue, 'A' ArrayValue, 'K' KeyValueList, 'e' span event,
/// 'l' span link, 't' status, 'r' entity ref; every string checked as UTF-8 (as the protobuf runtime
/// refuses a request with an invalid one), every known field of its wire type, singular fields once.
fn walk(data: &[u8], fields: &[(u32, u8, bool)], depth: usize) -> Result<(), Fail> {
    if depth > 32 {
        return Err(());
    }
    let mut seen = 0u64;
    let mut reader = Reader::new(data);
    while let Some(field) = reader.next_field() {
        let (number, value) = field?;
        let Some(&(_, kind, repeated)) = fields.iter().find(|f| f.0 == number) else { continue };
        if !repeated {
            let bit = 1u64 << (number % 64);
            if seen & bit != 0 {
                return Err(());
            }
            seen |= bit;
        }
        match (kind, value) {
            (b's', Field::Len(bytes)) => {
                text(bytes)?;
            }
            (b'b', Field::Len(_)) | (b'v', Field::Varint(_)) | (b'x', Field::Fixed64(_)) | (b'y', Field::Fixed32) => {}
            (b'k', Field::Len(bytes)) => walk(bytes, KEY_VALUE, depth + 1)?,
            (b'a', Field::Len(bytes)) => walk(bytes, ANY_VALUE, depth + 1)?,
            (b'A', Field::Len(bytes)) => walk(bytes, &[(1, b'a', true)], depth + 1)?,
            (b'K', Field::Len(bytes)) => walk(bytes, &[(1, b'k', true)], depth + 1)?,
            (b'e', Field::Len(bytes)) => walk(bytes, &[(1, b'x', false), (2, b's', false), (3, b'k', true),
                                                       (4, b'v', false)], depth + 1)?,
            (b'l', Field::Len(bytes)) => walk(bytes, &[(1, b'b', false), (2, b'b', false), (3, b's', false),
                                                       (4, b'k', true), (5, b'v', false), (6, b'y', false)],
                                              depth + 1)?,
            (b't', Field::Len(bytes)) => walk(bytes, &[(2, b's', false), (3, b'v', false)], depth + 1)?,
            _ => return Err(()),
        }
    }
    Ok(())
}

const KEY_VALUE: &[(u32, u8, bool)] = &[(1, b's', false), (2, b'a', false)];
const ANY_VALUE: &[(u32, u8, bool)] = &[(1, b's', false), (2, b'v', false), (3, b'v', false), (4, b'x', false),
                                        (5, b'A', false), (6, b'K', false), (7, b'b', false)];

/// One attribute: (key, value), None for a value of another kind than the plain ones (Python's);
/// Err for a malformed one (the request is Python's).
fn key_value(data: &[u8]) -> Result<(&str, Option<Attr<'_>>), Fail> {
    // one pass, as strict as `walk(data, KEY_VALUE, 0)`: singular fields once, of their wire types, UTF-8
    let (mut key, mut value, mut seen) = ("", None, 0u8);
    let mut reader = Reader::new(data);
    while let Some(field) = reader.next_field() {
        let (number, field) = field?;
        if number <= 2 {
            if seen & (1 << number) != 0 {
                return Err(());
            }
            seen |= 1 << number;
        }
        match (number, field) {
            (1, Field::Len(bytes)) => key = text(bytes)?,
            (2, Field::Len(bytes)) => value = Some(bytes),
            (1 | 2, _) => return Err(()),
            _ => {}
        }
    }
    let Some(value) = value else { return Ok((key, None)) };
    let mut reader = Reader::new(value);
    let (mut found, mut count, mut seen) = (None, 0, 0u8);
    while let Some(field) = reader.next_field() {
        let (number, field) = field?;
        if !(1..=7).contains(&number) {
            continue;
        }
        if seen & (1 << number) != 0 {
            return Err(());
        }
        seen |= 1 << number;
        count += 1;
        found = match (number, field) {
            (1, Field::Len(bytes)) => Some(Attr::Str(text(bytes)?)),
            (2, Field::Varint(v)) => Some(Attr::Bool(v != 0)),
            (3, Field::Varint(v)) => Some(Attr::Int(v as i64)),
            (4, Field::Fixed64(v)) => Some(Attr::Double(f64::from_bits(v))).filter(|_| f64::from_bits(v).is_finite()),
            (5, Field::Len(bytes)) => {
                walk(bytes, &[(1, b'a', true)], 1)?;
                all_strings(bytes).then_some(Attr::StrList(bytes))
            }
            (6, Field::Len(bytes)) => {
                walk(bytes, &[(1, b'k', true)], 1)?;
                None
            }
            (7, Field::Len(_)) => None,
            _ => return Err(()),
        };
    }
    Ok((key, if count == 1 { found } else { None }))
}

fn all_strings(array: &[u8]) -> bool {
    let mut reader = Reader::new(array);
    while let Some(field) = reader.next_field() {
        let Ok((number, field)) = field else { return false };
        if number != 1 {
            return false;
        }
        let Field::Len(item) = field else { return false };
        let mut inner = Reader::new(item);
        match (inner.next_field(), inner.next_field()) {
            (Some(Ok((1, Field::Len(_)))), None) => {}
            _ => return false,
        }
    }
    true
}

/// Attributes of a resource or span: None when one is unusual (another kind, a repeated key).
fn attributes<'a>(items: &[&'a [u8]]) -> Result<Option<Vec<(&'a str, Attr<'a>)>>, Fail> {
    let mut found: Vec<(&'a str, Attr<'a>)> = Vec::with_capacity(items.len());
    let mut usual = true;
    for item in items {
        let (key, value) = key_value(item)?;
        match value {
            Some(value) if usual && !found.iter().any(|(k, _)| *k == key) => found.push((key, value)),
            _ => usual = false,
        }
    }
    Ok(usual.then_some(found))
}

struct RawSpan<'a> {
    trace: &'a [u8],
    span: &'a [u8],
    parent: &'a [u8],
    kind: u64,
    start: u64,
    end: u64,
    attributes: Vec<&'a [u8]>,
}

fn raw_span(data: &[u8]) -> Result<RawSpan<'_>, Fail> {
    // one pass, as strict as `walk(data, SPAN, 0)` (the attributes are checked by `key_value`)
    let mut span = RawSpan { trace: b"", span: b"", parent: b"", kind: 0, start: 0, end: 0, attributes: Vec::new() };
    let mut seen = 0u32;
    let mut reader = Reader::new(data);
    while let Some(field) = reader.next_field() {
        let (number, field) = field?;
        if number > 16 {
            continue;
        }
        if !matches!(number, 9 | 11 | 13) {
            if seen & (1 << number) != 0 {
                return Err(());
            }
            seen |= 1 << number;
        }
        match (number, field) {
            (1, Field::Len(bytes)) => span.trace = bytes,
            (2, Field::Len(bytes)) => span.span = bytes,
            (4, Field::Len(bytes)) => span.parent = bytes,
            (3 | 5, Field::Len(bytes)) => {
                text(bytes)?;
            }
            (6, Field::Varint(v)) => span.kind = v,
            (7, Field::Fixed64(v)) => span.start = v,
            (8, Field::Fixed64(v)) => span.end = v,
            (9, Field::Len(bytes)) => span.attributes.push(bytes),
            (10 | 12 | 14, Field::Varint(_)) | (16, Field::Fixed32) => {}
            (11, Field::Len(bytes)) => walk(bytes, &[(1, b'x', false), (2, b's', false), (3, b'k', true),
                                                     (4, b'v', false)], 1)?,
            (13, Field::Len(bytes)) => walk(bytes, &[(1, b'b', false), (2, b'b', false), (3, b's', false),
                                                     (4, b'k', true), (5, b'v', false), (6, b'y', false)], 1)?,
            (15, Field::Len(bytes)) => walk(bytes, &[(2, b's', false), (3, b'v', false)], 1)?,
            _ => return Err(()),
        }
    }
    Ok(span)
}

/// Collects the LEN fields numbered `number` of a message (others skipped; the walk checked them).
fn repeated(data: &[u8], number: u32) -> Result<Vec<&[u8]>, Fail> {
    let mut found = Vec::new();
    let mut reader = Reader::new(data);
    while let Some(field) = reader.next_field() {
        if let (n, Field::Len(bytes)) = field? {
            if n == number {
                found.push(bytes);
            }
        }
    }
    Ok(found)
}

// ---------------------------------------------------------------------------------------------
// mapping one span

/// What became of one span: its lines (the events it stands for, as a bit mask), a skip, or Python's.
enum Outcome {
    Mapped(u8),
    Skipped(String),
    Python,
}

struct Span<'a> {
    trace: String,
    span: String,
    parent: String,
    kind: u64,
    start: u64,
    end: u64,
    attributes: Vec<(&'a str, Attr<'a>)>,
    resource: &'a [(&'a str, Attr<'a>)],
}

impl Span<'_> {
    fn get(&self, name: &str, on_resource: bool) -> Option<&Attr<'_>> {
        let holder: &[(&str, Attr)] = if on_resource { self.resource } else { &self.attributes };
        holder.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    fn duration(&self) -> Result<u64, Fail> {
        if self.start == 0 || self.end == 0 || self.end < self.start {
            return Err(());
        }
        Ok(self.end - self.start)
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

fn as_uuid(hex32: &str) -> String {
    format!("{}-{}-{}-{}-{}", &hex32[..8], &hex32[8..12], &hex32[12..16], &hex32[16..20], &hex32[20..])
}

fn event_uuid(trace: &str, span: &str, code: &str) -> String {
    as_uuid(&format!("{}{}{}", &trace[20..], code, span))
}

/// `rfc3339` of span_values.py: UTC, Z, 3/6/9 fraction digits when non-zero.
fn rfc3339(ns: u64) -> String {
    let (seconds, fraction) = (ns / 1_000_000_000, ns % 1_000_000_000);
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    // civil from days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let base = format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", rest / 3600, rest / 60 % 60, rest % 60);
    if fraction == 0 {
        format!("{base}Z")
    } else if fraction % 1_000_000 == 0 {
        format!("{base}.{:03}Z", fraction / 1_000_000)
    } else if fraction % 1_000 == 0 {
        format!("{base}.{:06}Z", fraction / 1_000)
    } else {
        format!("{base}.{fraction:09}Z")
    }
}

/// Python's round(x, digits) for a finite float: the correctly rounded decimal, read back.
fn round_to(x: f64, digits: i32) -> Option<f64> {
    if !(0..=15).contains(&digits) {
        return None;
    }
    let written = format!("{:.*}", digits as usize, x);
    let back: f64 = written.parse().ok()?;
    back.is_finite().then_some(back)
}

fn tag_text(value: &Attr) -> Option<String> {
    match *value {
        Attr::Str(text) => Some(text.to_owned()),
        Attr::Bool(flag) => Some(if flag { "true" } else { "false" }.to_owned()),
        Attr::Int(number) => Some(number.to_string()),
        _ => None,
    }
}

impl SpanPlan {
    fn select(&self, span: &Span) -> Option<String> {
        let attrs = &span.attributes;
        let has = |name: &str| attrs.iter().any(|(k, _)| *k == name);
        if !self.markers.iter().any(|m| has(m)) {
            return Some("not a GenAI span (no gen_ai.*, llm.request.type or openinference.span.kind marker)".into());
        }
        let kind = &self.span_kinds[span.kind as usize];
        if !self.allowed_kinds.contains(kind) {
            return Some(format!("a {kind} span (a model call is mapped where its client sees it)"));
        }
        if let Some(Attr::Str(kind)) = span.get("openinference.span.kind", false) {
            if !self.openinference_kinds.iter().any(|k| k == kind) {
                return Some(format!("openinference.span.kind={kind} is not a model call"));
            }
        }
        let operation = span.get("gen_ai.operation.name", false);
        if let Some(Attr::Str(operation)) = operation {
            if !self.model_operations.iter().any(|k| k == operation) {
                return Some(format!("gen_ai.operation.name={operation} is not a model call (its usage sums its children's)"));
            }
        }
        if operation.is_none() {
            if let Some(Attr::Str("unknown")) = span.get("llm.request.type", false) {
                return Some("llm.request.type=unknown is not a model call".into());
            }
        }
        None
    }

    fn source_value(&self, source: &Source, found: &Attr, to_float: bool) -> Result<Option<Val>, Fail> {
        let mut value = owned(found);
        if let (Some(spellings), Val::Str(text)) = (&source.values, &value) {
            match spellings.get(text) {
                Some(spelled) => value = Val::Str(spelled.clone()),
                None if !source.keep_others => return Ok(None),
                None => {}
            }
        }
        if source.wrap {
            if let Val::Str(text) = value {
                value = Val::StrList(vec![text]);
            }
        }
        if let Some(scale) = source.scale {
            let Val::Float(number) = value else { return Err(()) }; // int * scale: Python's
            let mut scaled = number * scale;
            if let Some(digits) = source.round {
                scaled = round_to(scaled, digits).ok_or(())?;
            }
            value = Val::Float(scaled);
        }
        if to_float {
            value = match value {
                Val::Int(number) if number.unsigned_abs() <= 1 << 53 => Val::Float(number as f64),
                Val::Float(number) => Val::Float(number),
                _ => return Err(()),
            };
        }
        Ok(Some(value))
    }

    fn derive(&self, rule: Rule, span: &Span, values: &[Option<Val>]) -> Result<Option<Val>, Fail> {
        let fact = |index: Option<usize>| index.and_then(|i| values[i].as_ref());
        Ok(match rule {
            Rule::Duration => Some(Val::Float(span.duration()? as f64 / 1e6)),
            Rule::WindowSeconds => {
                let seconds = span.duration()? as f64 / 1e9;
                Some(Val::Int((seconds.ceil() as i64).max(1)))
            }
            Rule::Start => {
                if span.start == 0 {
                    return Err(());
                }
                Some(Val::Str(rfc3339(span.start)))
            }
            Rule::SpanId => Some(Val::Str(span.span.clone())),
            Rule::TraceId => Some(Val::Str(span.trace.clone())),
            Rule::TraceUuid => Some(Val::Str(as_uuid(&span.trace))),
            Rule::ParentUuid => (!span.parent.is_empty()).then(|| Val::Str(event_uuid(&span.trace, &span.parent, "0002"))),
            Rule::InputPlusOutput => match (fact(self.named.input), fact(self.named.output)) {
                (Some(Val::Int(a)), Some(Val::Int(b))) => Some(Val::Int(a.checked_add(*b).ok_or(())?)),
                (Some(Val::Int(a)), None) | (None, Some(Val::Int(a))) => Some(Val::Int(*a)),
                (None, None) => None,
                _ => return Err(()),
            },
            Rule::ZeroForEmbeddings => match fact(self.named.operation) {
                Some(Val::Str(op)) if op == "embeddings" => Some(Val::Int(0)),
                _ => None,
            },
            Rule::OnePerError => match fact(self.named.error_type) {
                Some(Val::Str(error)) => Some(Val::Map(vec![(error.clone(), Val::Int(1))])),
                Some(_) => return Err(()),
                None => None,
            },
            Rule::Tags => {
                let mut tags: Vec<(String, Val)> = Vec::new();
                let mut add = |name: &str, value: &Attr| -> Result<(), Fail> {
                    if tags.iter().any(|(k, _)| k == name) {
                        return Err(()); // the dict keeps the first place: Python's
                    }
                    tags.push((name.to_owned(), Val::Str(tag_text(value).ok_or(())?)));
                    Ok(())
                };
                for name in &self.tag_resource {
                    if let Some(value) = span.get(name, true) {
                        add(name, value)?;
                    }
                }
                for name in &self.tag_span {
                    if let Some(value) = span.get(name, false) {
                        add(name, value)?;
                    }
                }
                for (name, value) in &span.attributes {
                    if let Some(short) = name.strip_prefix(self.tag_prefix.as_str()) {
                        add(short, value)?;
                    }
                }
                Some(Val::Map(tags))
            }
            Rule::Environment => Some(Val::Str(self.environment.clone())),
            Rule::SourceModule => Some(Val::Str(self.source_module.clone())),
            Rule::Severity => Some(Val::Str(if fact(self.named.error_type).is_some() { "error" } else { "info" }.into())),
            Rule::Absent => None,
        })
    }

    fn evaluate(&self, span: &Span) -> Result<Vec<Option<Val>>, Fail> {
        let mut values: Vec<Option<Val>> = vec![None; self.facts.len()];
        for (index, fact) in self.facts.iter().enumerate() {
            let mut value = None;
            for source in &fact.sources {
                let Some(found) = span.get(&source.attribute, source.resource) else { continue };
                if fact.is_uuid {
                    return Err(()); // export's ids ("" for none): Python's
                }
                if !fits(found, source.wanted) {
                    return Err(()); // a rejection
                }
                if let Some(v) = self.source_value(source, found, fact.to_float)? {
                    value = Some(v);
                    break;
                }
            }
            if value.is_none() {
                if let Some(rule) = fact.derive {
                    value = self.derive(rule, span, &values)?;
                }
            }
            if value.is_none() {
                if let Some(rule) = fact.default {
                    value = self.derive(rule, span, &values)?;
                }
            }
            values[index] = value;
        }
        for (total, parts) in &self.totals {
            let Some(total) = &values[*total] else { continue };
            let present: Vec<&Val> = parts.iter().filter_map(|p| values[*p].as_ref())
                .filter(|v| matches!(v, Val::Int(_) | Val::Float(_))).collect();
            if present.is_empty() {
                continue;
            }
            let exceeds = match (total, present.as_slice()) {
                (Val::Int(t), parts) if parts.iter().all(|p| matches!(p, Val::Int(_))) => {
                    parts.iter().map(|p| if let Val::Int(n) = p { i128::from(*n) } else { 0 }).sum::<i128>() > i128::from(*t)
                }
                (Val::Float(t), [Val::Float(part)]) => part > t,
                (Val::Int(_) | Val::Float(_), _) => return Err(()),
                _ => false,
            };
            if exceeds {
                return Err(());
            }
        }
        Ok(values)
    }

    /// The span's lines, appended to `out` (one per event, each ending in "\n"); the events' mask.
    fn map(&self, span: &Span, checker: &BlockChecker, out: &mut Vec<u8>, line: &mut Vec<u8>, label: &mut String)
           -> Result<u8, Fail> {
        if span.attributes.iter().any(|(k, _)| *k == "llm_hub.events") {
            return Err(());
        }
        let values = self.evaluate(span)?;
        if values[self.model_id].is_none() {
            return Err(()); // "no model": a rejection
        }
        let mut head = Vec::new();
        write_members(&mut head, &self.head, &values, true)?;
        let mut tail = Vec::new();
        write_members(&mut tail, &self.tail, &values, true)?;
        if head.is_empty() {
            return Err(());
        }
        envelope_rules(&self.head, &self.tail, &values)?;
        let mut mask = 0u8;
        for (number, event) in self.events.iter().enumerate() {
            if !event.when.is_empty() && !event.when.iter().any(|w| values[*w].is_some()) {
                continue;
            }
            mask |= 1 << number;
            let event_id = match &values[event.event_id] {
                Some(Val::Str(id)) => id.clone(),
                Some(_) => return Err(()),
                None => event_uuid(&span.trace, &span.span, &event.code),
            };
            line.clear();
            line.extend_from_slice(b"{\"event_id\":");
            write_str(line, &event_id);
            line.extend_from_slice(&head);
            line.extend_from_slice(&self.version_member);
            line.extend_from_slice(&tail);
            line.extend_from_slice(b",\"payload\":{\"payload_type\":");
            write_str(line, &event.payload_type);
            line.extend_from_slice(b",\"data\":{");
            write_str(line, &event.tag);
            line.push(b':');
            write_str(line, &event.tag_value);
            write_members(line, &event.members, &values, true)?;
            line.extend_from_slice(b"}}}");
            if checker.prove(line, label).is_err() {
                return Err(());
            }
            if let Some(rule) = event.rule {
                leaf_rules(rule, &event.members, &values)?;
            }
            out.extend_from_slice(line);
            out.push(b'\n');
        }
        Ok(mask)
    }
}

/// A member's value: its fact's, or its constant.
fn member_value<'a>(member: &'a Member, values: &'a [Option<Val>]) -> (&'a [String], Option<&'a Val>) {
    match member {
        Member::Fact(path, fact) => (path, values[*fact].as_ref()),
        Member::Constant(path, value) => (path, Some(value)),
    }
}

/// Writes `"name":value` for each member present, comma-separated (after a comma when `after_first`);
/// nested paths (one level: `a.b`) as objects in the place of their first member present, as the
/// Python builder's setdefault gives them.
fn write_members(out: &mut Vec<u8>, members: &[Member], values: &[Option<Val>], after_first: bool) -> Result<(), Fail> {
    let mut first = !after_first;
    let mut done: Vec<&str> = Vec::new();
    for member in members {
        let (path, value) = member_value(member, values);
        if value.is_none() {
            continue;
        }
        let outer = match path {
            [name] => {
                if !first {
                    out.push(b',');
                }
                first = false;
                write_str(out, name);
                out.push(b':');
                write_val(out, value.ok_or(())?)?;
                continue;
            }
            [outer, _] => outer.as_str(),
            _ => return Err(()),
        };
        if done.contains(&outer) {
            continue;
        }
        done.push(outer);
        if !first {
            out.push(b',');
        }
        first = false;
        write_str(out, outer);
        out.extend_from_slice(b":{");
        let mut inner_first = true;
        for other in members {
            if let ([o, inner], Some(v)) = member_value(other, values) {
                if o == outer {
                    if !inner_first {
                        out.push(b',');
                    }
                    inner_first = false;
                    write_str(out, inner);
                    out.push(b':');
                    write_val(out, v)?;
                }
            }
        }
        out.push(b'}');
    }
    Ok(())
}

fn member_int(members: &[Member], values: &[Option<Val>], name: &str) -> Option<i64> {
    members.iter().map(|m| member_value(m, values)).find_map(|(path, value)| match (path, value) {
        ([n], Some(Val::Int(v))) if n == name => Some(*v),
        _ => None,
    })
}

fn member_number(members: &[Member], values: &[Option<Val>], name: &str) -> Option<f64> {
    members.iter().map(|m| member_value(m, values)).find_map(|(path, value)| match (path, value) {
        ([n], Some(Val::Int(v))) if n == name => Some(*v as f64),
        ([n], Some(Val::Float(v))) if n == name => Some(*v),
        _ => None,
    })
}

/// The semantic lint's rules (validation/semantic.py) for the three payload types the mapping fills:
/// Err when one would have a finding (Python then gives it as the reason).
fn leaf_rules(rule: LeafRule, members: &[Member], values: &[Option<Val>]) -> Result<(), Fail> {
    let int = |name| member_int(members, values, name).map(i128::from);
    let broken = match rule {
        LeafRule::Tokens => {
            let (prompt, completion, total) = (int("prompt_tokens"), int("completion_tokens"), int("total_tokens"));
            let mut broken = total.is_some_and(|t| prompt.is_some_and(|p| p > t) || completion.is_some_and(|c| c > t));
            let (read, write) = (int("cache_read_input_tokens"), int("cache_write_input_tokens"));
            broken |= prompt.is_some_and(|p| read.unwrap_or(0) + write.unwrap_or(0) > p);
            broken |= int("reasoning_tokens").is_some_and(|r| completion.is_some_and(|c| r > c));
            for (outer, whole) in [("prompt_tokens_by_modality", prompt), ("completion_tokens_by_modality", completion)] {
                let Some(whole) = whole else { continue };
                let mut counted = 0i128;
                for member in members {
                    if let ([o, _], Some(value)) = member_value(member, values) {
                        if o == outer {
                            match value {
                                Val::Int(n) => counted += i128::from(*n),
                                Val::Bool(_) | Val::Float(_) | Val::Str(_) | Val::StrList(_) | Val::Map(_) => {}
                            }
                        }
                    }
                }
                broken |= counted > whole;
            }
            broken
        }
        LeafRule::Latency => {
            let (ttft, total) = (member_number(members, values, "ttft_ms"), member_number(members, values, "total_latency_ms"));
            matches!((ttft, total), (Some(a), Some(b)) if a > b)
        }
        LeafRule::ErrorRate => matches!((int("failed_requests"), int("total_requests")), (Some(f), Some(t)) if f > t),
    };
    if broken { Err(()) } else { Ok(()) }
}

fn envelope_rules(head: &[Member], tail: &[Member], values: &[Option<Val>]) -> Result<(), Fail> {
    let get = |name: &str| head.iter().chain(tail).map(|m| member_value(m, values))
        .find_map(|(path, value)| (path.len() == 1 && path[0] == name).then_some(value).flatten());
    for name in ["trace_id", "span_id"] {
        if let Some(Val::Str(text)) = get(name) {
            if !text.is_empty() && text.bytes().all(|b| b == b'0') {
                return Err(());
            }
        }
    }
    if matches!(get("span_id"), Some(Val::Str(_))) && !matches!(get("trace_id"), Some(Val::Str(_))) {
        return Err(());
    }
    Ok(())
}

fn write_str(out: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(&mut *out, text).expect("a string is always written");
}

/// A value as orjson writes it (a float it might write otherwise, with an exponent: Python's).
fn write_val(out: &mut Vec<u8>, value: &Val) -> Result<(), Fail> {
    match value {
        Val::Str(text) => write_str(out, text),
        Val::Int(number) => out.extend_from_slice(number.to_string().as_bytes()),
        Val::Bool(flag) => out.extend_from_slice(if *flag { b"true" } else { b"false" }),
        Val::Float(number) => {
            if !number.is_finite() {
                return Err(());
            }
            let written = serde_json::to_string(number).map_err(|_| ())?;
            if written.contains(['e', 'E']) || !written.contains('.') || number.abs() >= 1e16 {
                return Err(());
            }
            out.extend_from_slice(written.as_bytes());
        }
        Val::StrList(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_str(out, item);
            }
            out.push(b']');
        }
        Val::Map(items) => {
            out.push(b'{');
            for (index, (key, item)) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_str(out, key);
                out.push(b':');
                write_val(out, item)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// a request

fn valid_ids(span: &RawSpan) -> bool {
    let nonzero = |b: &[u8]| b.iter().any(|x| *x != 0);
    span.trace.len() == 16 && nonzero(span.trace) && span.span.len() == 8 && nonzero(span.span)
        && (span.parent.is_empty() || (span.parent.len() == 8 && nonzero(span.parent)))
}

/// Every span's outcome, in the order of the request, or Err when the request is Python's whole.
fn run(plan: &SpanPlan, checker: &BlockChecker, data: &[u8], out: &mut Vec<u8>, outcomes: &mut Vec<Outcome>)
       -> Result<(), Fail> {
    let mut reader = Reader::new(data);
    let mut blocks = Vec::new();
    while let Some(field) = reader.next_field() {
        match field? {
            (1, Field::Len(bytes)) => blocks.push(bytes),
            (1, _) => return Err(()),
            _ => {}
        }
    }
    let (mut line, mut label) = (Vec::with_capacity(1024), String::new());
    for block in blocks {
        let mut resource: &[u8] = b"";
        let mut scopes = Vec::new();
        let mut seen = false;
        let mut reader = Reader::new(block);
        while let Some(field) = reader.next_field() {
            match field? {
                (1, Field::Len(bytes)) if !seen => {
                    resource = bytes;
                    seen = true;
                }
                (2, Field::Len(bytes)) => scopes.push(bytes),
                (3, Field::Len(bytes)) => {
                    text(bytes)?;
                }
                (1..=3, _) => return Err(()),
                _ => {}
            }
        }
        walk(resource, &[(1, b'k', true), (2, b'v', false)], 0)?;
        let resource_attributes = attributes(&repeated(resource, 1)?)?;
        for scope_block in scopes {
            let mut spans = Vec::new();
            let mut scope_seen = false;
            let mut reader = Reader::new(scope_block);
            while let Some(field) = reader.next_field() {
                match field? {
                    (1, Field::Len(bytes)) if !scope_seen => {
                        scope_seen = true;
                        walk(bytes, &[(1, b's', false), (2, b's', false), (3, b'k', true), (4, b'v', false)], 0)?;
                    }
                    (2, Field::Len(bytes)) => spans.push(bytes),
                    (3, Field::Len(bytes)) => {
                        text(bytes)?;
                    }
                    (1..=3, _) => return Err(()),
                    _ => {}
                }
            }
            for data in spans {
                let raw = raw_span(data)?;
                let own = attributes(&raw.attributes)?;
                let outcome = match (&resource_attributes, own) {
                    (Some(resource), Some(own)) if valid_ids(&raw) && raw.kind < plan.span_kinds.len() as u64 => {
                        let span = Span { trace: hex(raw.trace), span: hex(raw.span), parent: hex(raw.parent),
                                          kind: raw.kind, start: raw.start, end: raw.end, attributes: own,
                                          resource };
                        span_outcome(plan, checker, &span, out, &mut line, &mut label)
                    }
                    _ => Outcome::Python,
                };
                outcomes.push(outcome);
            }
        }
    }
    Ok(())
}

/// One readable span's outcome: Python's for a value of another type than the registry's, else skipped,
/// mapped (its lines appended to `out`), or Python's when the mapper is not certain.
fn span_outcome(plan: &SpanPlan, checker: &BlockChecker, span: &Span, out: &mut Vec<u8>, line: &mut Vec<u8>,
                label: &mut String) -> Outcome {
    if span.attributes.iter().chain(span.resource.iter())
        .any(|(k, v)| plan.types.get(*k).is_some_and(|w| !fits(v, *w))) {
        return Outcome::Python; // Python says why
    }
    if let Some(reason) = plan.select(span) {
        return Outcome::Skipped(reason);
    }
    let mark = out.len();
    match plan.map(span, checker, out, line, label) {
        Ok(mask) => Outcome::Mapped(mask),
        Err(()) => {
            out.truncate(mark);
            Outcome::Python
        }
    }
}

/// What `map_traces` gives: the status byte of each span, the lines written, the skip reasons.
type Found<'py> = (Bound<'py, PyBytes>, Bound<'py, PyList>, Vec<String>);

#[pymethods]
impl SpanPlan {
    #[new]
    fn new(plan: &str) -> PyResult<Self> {
        let text: PlanText = serde_json::from_str(plan).map_err(|e| PyValueError::new_err(format!("span plan: {e}")))?;
        SpanPlan::build(text).map_err(|e| PyValueError::new_err(format!("span plan: {e} (not in the native mapper)")))
    }

    /// None when the request is Python's whole; else (status, lines, skip reasons): per span one byte,
    /// 0x80 | the mask of the events written (their lines in `lines`, in order), 1 skipped (its reason
    /// next in the reasons), 2 Python's.
    fn map_traces<'py>(&self, py: Python<'py>, checker: &Bound<'py, BlockChecker>, data: &Bound<'py, PyBytes>)
                       -> PyResult<Option<Found<'py>>> {
        let checker = checker.get();
        let data = data.as_bytes();
        let mut out = Vec::with_capacity(data.len() * 4);
        let mut outcomes = Vec::new();
        let done = py.allow_threads(|| run(self, checker, data, &mut out, &mut outcomes));
        if done.is_err() {
            return Ok(None);
        }
        found(py, outcomes, &out).map(Some)
    }

    /// `map_traces` for an ExportTraceServiceRequest in canonical OTLP/JSON (otlp_json.rs): None when the
    /// request is Python's whole (anything outside that form).
    fn map_json<'py>(&self, py: Python<'py>, checker: &Bound<'py, BlockChecker>, data: &Bound<'py, PyBytes>)
                     -> PyResult<Option<Found<'py>>> {
        let checker = checker.get();
        let data = data.as_bytes();
        let mut out = Vec::with_capacity(data.len() * 2);
        let mut outcomes = Vec::new();
        let done = py.allow_threads(|| json::run(self, checker, data, &mut out, &mut outcomes));
        if done.is_err() {
            return Ok(None);
        }
        found(py, outcomes, &out).map(Some)
    }
}

/// The outcomes and lines as Python takes them.
fn found<'py>(py: Python<'py>, outcomes: Vec<Outcome>, out: &[u8]) -> PyResult<Found<'py>> {
    let mut status = Vec::with_capacity(outcomes.len());
    let mut reasons = Vec::new();
    for outcome in outcomes {
        status.push(match outcome {
            Outcome::Mapped(mask) => 0x80 | mask,
            Outcome::Skipped(reason) => {
                reasons.push(reason);
                1
            }
            Outcome::Python => 2,
        });
    }
    let lines = PyList::empty(py);
    let mut start = 0;
    while start < out.len() {
        let end = memchr::memchr(b'\n', &out[start..]).map_or(out.len(), |at| start + at + 1);
        lines.append(PyBytes::new(py, &out[start..end]))?;
        start = end;
    }
    Ok((PyBytes::new(py, &status), lines, reasons))
}

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<SpanPlan>()
}
