//! The OTLP/JSON front-end of the fast path: reads an ExportTraceServiceRequest in the canonical form
//! the specification writes (lowerCamelCase members, hex ids, 64-bit integers as decimal strings or
//! integer numbers, kinds as integers, AnyValue objects of one member) into the spans the mapper takes.
//!
//! Strict and one-sided: a small JSON parser of its own that refuses (the request is then Python's
//! whole) anything orjson might read otherwise or refuse: invalid UTF-8, a lone surrogate, a duplicate
//! member, an integer past 64 bits, a number past f64, deep nesting, and any member outside the canonical
//! form in the request, its resource and scope blocks (snake_case names, the old instrumentationLibrary
//! ones, nulls). A span whose own members depart from it (an id not of hex digits, a time or kind that is
//! no plain integer, an unusual attribute) is handed back alone, as the protobuf reader does.

use std::borrow::Cow;

use super::{span_outcome, Attr, Fail, Outcome, Span, SpanPlan};
use crate::BlockChecker;

pub(super) enum Json<'a> {
    Null,
    Bool(bool),
    Num(&'a str), // the number's text (an integer within 64 bits, or a finite f64)
    Str(Cow<'a, str>),
    Arr(Vec<Json<'a>>),
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
}

const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    fn white(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, literal: &[u8]) -> Result<(), Fail> {
        if self.bytes.get(self.at..self.at + literal.len()) == Some(literal) {
            self.at += literal.len();
            Ok(())
        } else {
            Err(())
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'a>, Fail> {
        if depth > MAX_DEPTH {
            return Err(());
        }
        self.white();
        match *self.bytes.get(self.at).ok_or(())? {
            b'{' => {
                self.at += 1;
                let mut members: Vec<(Cow<'a, str>, Json<'a>)> = Vec::new();
                self.white();
                if self.bytes.get(self.at) == Some(&b'}') {
                    self.at += 1;
                    return Ok(Json::Obj(members));
                }
                loop {
                    self.white();
                    if self.bytes.get(self.at) != Some(&b'"') {
                        return Err(());
                    }
                    let key = self.string()?;
                    if members.len() >= 32 || members.iter().any(|(k, _)| *k == key) {
                        return Err(()); // a duplicate (orjson keeps the last), or no OTLP object: Python's
                    }
                    self.white();
                    self.eat(b":")?;
                    let value = self.value(depth + 1)?;
                    members.push((key, value));
                    self.white();
                    match self.bytes.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Obj(members));
                        }
                        _ => return Err(()),
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.white();
                if self.bytes.get(self.at) == Some(&b']') {
                    self.at += 1;
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.white();
                    match self.bytes.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Arr(items));
                        }
                        _ => return Err(()),
                    }
                }
            }
            b'"' => Ok(Json::Str(self.string()?)),
            b't' => self.eat(b"true").map(|()| Json::Bool(true)),
            b'f' => self.eat(b"false").map(|()| Json::Bool(false)),
            b'n' => self.eat(b"null").map(|()| Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(()),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json<'a>, Fail> {
        let start = self.at;
        if self.bytes[self.at] == b'-' {
            self.at += 1;
        }
        let first = *self.bytes.get(self.at).ok_or(())?;
        let count = self.digits();
        if count == 0 || (first == b'0' && count > 1) {
            return Err(());
        }
        let mut integer = true;
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(());
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(());
            }
        }
        let text = &self.text[start..self.at];
        let fine = if integer {
            text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok()
        } else {
            text.parse::<f64>().is_ok_and(f64::is_finite)
        };
        if fine { Ok(Json::Num(text)) } else { Err(()) }
    }

    fn hex4(&mut self) -> Result<u32, Fail> {
        let digits = self.text.get(self.at..self.at + 4).ok_or(())?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(());
        }
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| ())
    }

    /// A string at the opening quote: borrowed when it has no escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, Fail> {
        self.at += 1;
        let start = self.at;
        loop {
            match *self.bytes.get(self.at).ok_or(())? {
                b'"' => {
                    let text = &self.text[start..self.at];
                    self.at += 1;
                    return Ok(Cow::Borrowed(text));
                }
                b'\\' => break,
                0..=0x1f => return Err(()),
                _ => self.at += 1,
            }
        }
        let mut owned = String::from(&self.text[start..self.at]);
        loop {
            let byte = *self.bytes.get(self.at).ok_or(())?;
            match byte {
                b'"' => {
                    self.at += 1;
                    return Ok(Cow::Owned(owned));
                }
                b'\\' => {
                    self.at += 1;
                    let escaped = *self.bytes.get(self.at).ok_or(())?;
                    self.at += 1;
                    match escaped {
                        b'"' => owned.push('"'),
                        b'\\' => owned.push('\\'),
                        b'/' => owned.push('/'),
                        b'b' => owned.push('\u{8}'),
                        b'f' => owned.push('\u{c}'),
                        b'n' => owned.push('\n'),
                        b'r' => owned.push('\r'),
                        b't' => owned.push('\t'),
                        b'u' => {
                            let high = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&high) {
                                self.eat(b"\\u")?;
                                let low = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&low) {
                                    return Err(()); // a lone surrogate
                                }
                                0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
                            } else if (0xdc00..0xe000).contains(&high) {
                                return Err(());
                            } else {
                                high
                            };
                            owned.push(char::from_u32(code).ok_or(())?);
                        }
                        _ => return Err(()),
                    }
                }
                0..=0x1f => return Err(()),
                _ => {
                    let from = self.at;
                    self.at += 1;
                    while self.bytes.get(self.at).is_some_and(|b| !matches!(b, b'"' | b'\\' | 0..=0x1f)) {
                        self.at += 1;
                    }
                    owned.push_str(&self.text[from..self.at]);
                }
            }
        }
    }
}

/// The whole text as one JSON value (only whitespace after it).
fn parse(data: &[u8]) -> Result<Json<'_>, Fail> {
    let text = std::str::from_utf8(data).map_err(|_| ())?;
    let mut parser = Parser { text, bytes: data, at: 0 };
    let value = parser.value(0)?;
    parser.white();
    if parser.at != data.len() {
        return Err(());
    }
    Ok(value)
}

// ---------------------------------------------------------------------------------------------
// the request

fn object<'j, 'a>(value: &'j Json<'a>) -> Result<&'j [(Cow<'a, str>, Json<'a>)], Fail> {
    match value {
        Json::Obj(members) => Ok(members),
        _ => Err(()),
    }
}

fn array<'j, 'a>(value: &'j Json<'a>) -> Result<&'j [Json<'a>], Fail> {
    match value {
        Json::Arr(items) => Ok(items),
        _ => Err(()),
    }
}

/// The strings of an ArrayValue's values, each a {"stringValue": "..."} (checked by `any_value`).
pub(super) fn strings(items: &[Json]) -> Vec<String> {
    let mut found = Vec::with_capacity(items.len());
    for item in items {
        if let Json::Obj(members) = item {
            if let [(_, Json::Str(text))] = members.as_slice() {
                found.push(text.to_string());
            }
        }
    }
    found
}

/// An integer as Python's `int()` reads a JSON number or string here: a number without fraction or
/// exponent, or a string of an optional sign and ASCII digits; None for anything else (Python's).
fn integer(value: &Json) -> Option<i128> {
    let text: &str = match value {
        Json::Num(text) => text,
        Json::Str(text) => {
            let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            text
        }
        _ => return None,
    };
    if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return None;
    }
    text.parse::<i128>().ok()
}

/// One AnyValue of the plain kinds (a string, an integer within i64, a finite double, a boolean, an
/// array of strings), else None (the span is Python's).
fn any_value<'j, 'a>(value: &'j Json<'a>) -> Option<Attr<'j>> {
    let Json::Obj(members) = value else { return None };
    let [(key, raw)] = members.as_slice() else { return None };
    match (key.as_ref(), raw) {
        ("stringValue", Json::Str(text)) => Some(Attr::Str(text)),
        ("intValue", raw) => integer(raw).and_then(|n| i64::try_from(n).ok()).map(Attr::Int),
        ("doubleValue", Json::Num(text)) => text.parse::<f64>().ok().filter(|x| x.is_finite()).map(Attr::Double),
        ("boolValue", Json::Bool(flag)) => Some(Attr::Bool(*flag)),
        ("arrayValue", Json::Obj(array)) => match array.as_slice() {
            [(name, Json::Arr(items))] if name == "values" => items.iter()
                .all(|item| matches!(item, Json::Obj(m) if matches!(m.as_slice(),
                    [(k, Json::Str(_))] if k == "stringValue")))
                .then_some(Attr::JsonList(items)),
            _ => None,
        },
        _ => None,
    }
}

/// The attributes (a JSON array of KeyValue objects): None when one is unusual (another shape or kind,
/// a repeated key).
fn attributes<'j, 'a>(items: &'j Json<'a>) -> Option<Vec<(&'j str, Attr<'j>)>> {
    let Json::Arr(items) = items else { return None };
    let mut found: Vec<(&str, Attr)> = Vec::with_capacity(items.len());
    for item in items {
        let Json::Obj(members) = item else { return None };
        let (mut key, mut value) = (None, None);
        for (name, member) in members {
            match (name.as_ref(), member) {
                ("key", Json::Str(text)) => key = Some(text.as_ref()),
                ("value", member) => value = any_value(member),
                _ => return None,
            }
        }
        let (Some(key), Some(value)) = (key, value) else { return None };
        if found.iter().any(|(k, _)| *k == key) {
            return None;
        }
        found.push((key, value));
    }
    Some(found)
}

/// A lower-case id of `digits` hex digits, not all zeros; None for anything else (Python's).
fn hex_id(value: &Json, digits: usize) -> Option<String> {
    let Json::Str(text) = value else { return None };
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_hexdigit()) || text.bytes().all(|b| b == b'0') {
        return None;
    }
    Some(text.to_ascii_lowercase())
}

/// The span kind: its number, or its enum name as the proto3 JSON mapping writes it (SPAN_KIND_CLIENT).
fn span_kind(value: &Json, kinds: &[String]) -> Option<u64> {
    if let Json::Str(text) = value {
        if let Some(name) = text.strip_prefix("SPAN_KIND_") {
            let name = name.to_ascii_lowercase();
            return Some(kinds.iter().position(|k| *k == name).unwrap_or(0) as u64).filter(|_| text.is_ascii());
        }
    }
    integer(value).and_then(|k| u64::try_from(k).ok()).filter(|k| *k < kinds.len() as u64)
}

fn time(value: &Json) -> Option<u64> {
    integer(value).and_then(|n| u64::try_from(n).ok())
}

/// A span of the canonical form, or None (Python's).
fn span<'j, 'a>(value: &'j Json<'a>, kinds: &[String], resource: &'j [(&'j str, Attr<'j>)]) -> Option<Span<'j>> {
    let Json::Obj(members) = value else { return None };
    let (mut trace, mut span_id, mut parent) = (None, None, String::new());
    let (mut kind, mut start, mut end, mut own) = (0, 0, 0, Vec::new());
    for (name, member) in members {
        match name.as_ref() {
            "traceId" => trace = hex_id(member, 32),
            "spanId" => span_id = hex_id(member, 16),
            "parentSpanId" => {
                if !matches!(member, Json::Str(text) if text.is_empty()) {
                    parent = hex_id(member, 16)?;
                }
            }
            "kind" => kind = span_kind(member, kinds)?,
            "startTimeUnixNano" => start = time(member)?,
            "endTimeUnixNano" => end = time(member)?,
            "attributes" => own = attributes(member)?,
            "status" => {
                object(member).ok()?;
            }
            "name" | "traceState" => {
                let Json::Str(_) = member else { return None };
            }
            "flags" | "droppedAttributesCount" | "droppedEventsCount" | "droppedLinksCount" => {
                integer(member)?;
            }
            "events" | "links" => {
                array(member).ok()?;
            }
            _ => return None,
        }
    }
    Some(Span { trace: trace?, span: span_id?, parent, kind, start, end, attributes: own, resource })
}

/// Every span's outcome, in the order of the request, or Err when the request is Python's whole.
pub(super) fn run(plan: &SpanPlan, checker: &BlockChecker, data: &[u8], out: &mut Vec<u8>,
                  outcomes: &mut Vec<Outcome>) -> Result<(), Fail> {
    let document = parse(data)?;
    let [(name, blocks)] = object(&document)? else { return Err(()) };
    if name != "resourceSpans" {
        return Err(());
    }
    let kinds = &plan.span_kinds;
    let (mut line, mut label) = (Vec::with_capacity(1024), String::new());
    for block in array(blocks)? {
        let (mut resource, mut scopes): (Vec<(&str, Attr)>, &[Json]) = (Vec::new(), &[]);
        for (name, member) in object(block)? {
            match name.as_ref() {
                "resource" => {
                    for (name, member) in object(member)? {
                        match name.as_ref() {
                            "attributes" => resource = attributes(member).ok_or(())?,
                            "droppedAttributesCount" => {
                                integer(member).ok_or(())?;
                            }
                            _ => return Err(()),
                        }
                    }
                }
                "scopeSpans" => scopes = array(member)?,
                "schemaUrl" => {
                    let Json::Str(_) = member else { return Err(()) };
                }
                _ => return Err(()),
            }
        }
        for scope_block in scopes {
            let mut spans: &[Json] = &[];
            for (name, member) in object(scope_block)? {
                match name.as_ref() {
                    "scope" => {
                        for (name, member) in object(member)? {
                            match (name.as_ref(), member) {
                                ("name" | "version", Json::Str(_)) | ("attributes", Json::Arr(_)) => {}
                                ("droppedAttributesCount", member) => {
                                    integer(member).ok_or(())?;
                                }
                                _ => return Err(()),
                            }
                        }
                    }
                    "spans" => spans = array(member)?,
                    "schemaUrl" => {
                        let Json::Str(_) = member else { return Err(()) };
                    }
                    _ => return Err(()),
                }
            }
            for value in spans {
                object(value)?;
                outcomes.push(match span(value, kinds, &resource) {
                    Some(span) => span_outcome(plan, checker, &span, out, &mut line, &mut label),
                    None => Outcome::Python,
                });
            }
        }
    }
    Ok(())
}
