//! Generated messages for DKIM interop tests: deterministic for a seed, and
//! rich in what canonicalization must get right (folding, white space around
//! colons and at line ends, blank-line runs, long lines, 8-bit bytes, LF-only
//! line breaks, no final line break, empty bodies), plus [`tamper`], which
//! breaks a message's topmost DKIM signature with a one-byte change.
//!
//! A message's description names its line breaks (`CRLF` or `LF`) and then
//! the features it has, as tags:
//!
//! | tag | what |
//! | --- | --- |
//! | `folded` | some header field values folded (line break + SP/HTAB) |
//! | `wsp-after-colon` | SP/HTAB runs other than one SP after colons, or none |
//! | `wsp-before-colon` | SP/HTAB between one field's name and its colon (RFC 5322 obs-syntax; dkimpy refuses these messages) |
//! | `inner-wsp` | runs of SP/HTAB inside header values and body lines |
//! | `trailing-wsp-header` | SP/HTAB at the end of header lines |
//! | `trailing-wsp-body` | SP/HTAB at the end of body lines |
//! | `trailing-wsp-unterminated` | the unterminated last body line ends in SP/HTAB |
//! | `wsp-only-line` | body lines of SP/HTAB only |
//! | `blank-run` | 2 to 4 empty lines inside the body |
//! | `trailing-blank-lines` | empty lines at the end of the body |
//! | `long-line` | a body line of 999 to 2,000 bytes |
//! | `no-final-eol` | the body does not end with a line break |
//! | `empty-body` | nothing after the blank line |
//! | `blank-only-body` | a body of empty lines only |
//! | `utf8-body`, `latin1-body` | UTF-8, or raw ISO 8859-1 bytes, in the body |
//! | `utf8-subject`, `latin1-subject` | the same in Subject |
//! | `repeated` | some fields (To, Cc, X-*) more than once |
//! | `name-case` | field names in unusual letter case |
//! | `empty-value` | a field with an empty value |
//!
//! Every message has exactly one From field; field names are printable
//! ASCII without colon; line breaks are all CRLF or all LF; there is no bare
//! CR, no NUL, and no line longer than 2,000 bytes.

/// One generated message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message: header fields, blank line, body.
    pub bytes: Vec<u8>,
    /// Its index, line breaks and feature tags, such as
    /// `#7 LF: folded, long-line`.
    pub description: String,
}

/// splitmix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // n fits in u64, and the remainder is below n, so it fits in usize.
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo).saturating_add(1))
    }

    /// True with `percent` % probability.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = self.below(items.len());
        items[i]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

const ASCII_WORDS: &[&str] = &[
    "hello",
    "world",
    "DKIM",
    "signature",
    "relaxed",
    "simple",
    "canonical",
    "mail",
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "a",
    "I",
    "Lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "=?utf-8?q?x?=",
    "(comment)",
    "\"quoted\"",
    "x=1;",
    "--",
    "http://example.org/",
    "100%",
    "<tag>",
    "end.",
];
const UTF8_WORDS: &[&str] = &[
    "Grüße",
    "naïve",
    "façade",
    "日本語",
    "Ελληνικά",
    "😀",
    "Ünïcödé",
    "€100",
    "Привет",
];
const LATIN1_WORDS: &[&[u8]] = &[
    b"caf\xe9",
    b"na\xefve",
    b"\xa9 2024",
    b"Gr\xfc\xdfe",
    b"\xbfqu\xe9?",
    b"d\xe9j\xe0 vu",
];
const LOCALS: &[&str] = &["alice", "bob", "carol", "d.ave", "eve+tag", "frank_o"];
const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "mail.example.net",
    "sub.example.com",
];
const X_NAMES: &[&str] = &[
    "X-Mailer",
    "X-Priority",
    "X-Test-Id",
    "X-Spam-Score",
    "X-Loop",
    "X-Original-To",
];
const GAPS: &[&[u8]] = &[b"  ", b"\t", b" \t ", b"   ", b"\t\t"];
const TRAILING: &[&[u8]] = &[b" ", b"\t", b"  ", b" \t", b"\t  "];

/// Features of one message: those allowed (the plan) or those done.
#[derive(Debug, Default)]
struct Plan {
    lf: bool,
    folded: bool,
    wsp_after_colon: bool,
    wsp_before_colon: bool,
    inner_wsp: bool,
    trailing_wsp_header: bool,
    trailing_wsp_body: bool,
    trailing_wsp_unterminated: bool,
    wsp_only_line: bool,
    blank_run: bool,
    trailing_blank_lines: bool,
    long_line: bool,
    no_final_eol: bool,
    empty_body: bool,
    blank_only_body: bool,
    utf8_body: bool,
    latin1_body: bool,
    utf8_subject: bool,
    latin1_subject: bool,
    repeated: bool,
    name_case: bool,
    empty_value: bool,
}

impl Plan {
    fn choose(r: &mut Rng) -> Plan {
        let mut p = Plan {
            lf: r.chance(20),
            folded: r.chance(40),
            wsp_after_colon: r.chance(35),
            wsp_before_colon: r.chance(5),
            inner_wsp: r.chance(35),
            trailing_wsp_header: r.chance(25),
            repeated: r.chance(25),
            name_case: r.chance(15),
            empty_value: r.chance(8),
            ..Plan::default()
        };
        match r.below(100) {
            0..=7 => p.empty_body = true,
            8..=11 => p.blank_only_body = true,
            _ => {
                p.trailing_wsp_body = r.chance(30);
                p.wsp_only_line = r.chance(12);
                p.blank_run = r.chance(25);
                p.long_line = r.chance(12);
                p.utf8_body = r.chance(20);
                p.latin1_body = r.chance(10);
                p.no_final_eol = r.chance(15);
                p.trailing_blank_lines = !p.no_final_eol && r.chance(25);
                p.trailing_wsp_unterminated = p.no_final_eol && r.chance(40);
            }
        }
        match r.below(100) {
            0..=14 => p.utf8_subject = true,
            15..=24 => p.latin1_subject = true,
            _ => {}
        }
        p
    }

    fn describe(&self, index: usize) -> String {
        let tags = [
            (self.folded, "folded"),
            (self.wsp_after_colon, "wsp-after-colon"),
            (self.wsp_before_colon, "wsp-before-colon"),
            (self.inner_wsp, "inner-wsp"),
            (self.trailing_wsp_header, "trailing-wsp-header"),
            (self.trailing_wsp_body, "trailing-wsp-body"),
            (self.trailing_wsp_unterminated, "trailing-wsp-unterminated"),
            (self.wsp_only_line, "wsp-only-line"),
            (self.blank_run, "blank-run"),
            (self.trailing_blank_lines, "trailing-blank-lines"),
            (self.long_line, "long-line"),
            (self.no_final_eol, "no-final-eol"),
            (self.empty_body, "empty-body"),
            (self.blank_only_body, "blank-only-body"),
            (self.utf8_body, "utf8-body"),
            (self.latin1_body, "latin1-body"),
            (self.utf8_subject, "utf8-subject"),
            (self.latin1_subject, "latin1-subject"),
            (self.repeated, "repeated"),
            (self.name_case, "name-case"),
            (self.empty_value, "empty-value"),
        ];
        let on: Vec<&str> = tags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, tag)| *tag)
            .collect();
        format!(
            "#{index} {}: {}",
            if self.lf { "LF" } else { "CRLF" },
            on.join(", ")
        )
    }
}

/// A header field before it is written: its name and its value's words.
#[derive(Debug)]
struct Field {
    name: String,
    words: Vec<Vec<u8>>,
}

fn words(list: &[&str]) -> Vec<Vec<u8>> {
    list.iter().map(|w| w.as_bytes().to_vec()).collect()
}

fn address(r: &mut Rng) -> Vec<u8> {
    format!("{}@{}", r.pick(LOCALS), r.pick(DOMAINS)).into_bytes()
}

fn address_words(r: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if r.chance(50) {
        let name = r.pick(&[
            "\"Alice Example\"",
            "Bob",
            "\"Carol Q. Public\"",
            "Dave Smith",
        ]);
        out.extend(words(&name.split(' ').collect::<Vec<_>>()));
        let mut a = b"<".to_vec();
        a.extend(address(r));
        a.push(b'>');
        out.push(a);
    } else {
        out.push(address(r));
    }
    out
}

fn text_words(r: &mut Rng, count: usize, utf8: bool, latin1: bool) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..count)
        .map(|_| r.pick(ASCII_WORDS).as_bytes().to_vec())
        .collect();
    if utf8 {
        let at = r.below(out.len() + 1);
        out.insert(at, r.pick(UTF8_WORDS).as_bytes().to_vec());
    }
    if latin1 {
        let at = r.below(out.len() + 1);
        out.insert(at, r.pick(LATIN1_WORDS).to_vec());
    }
    out
}

fn odd_case(r: &mut Rng, name: &str) -> String {
    match r.below(3) {
        0 => name.to_ascii_uppercase(),
        1 => name.to_ascii_lowercase(),
        _ => name
            .chars()
            .map(|c| {
                if r.chance(50) {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
    }
}

fn header_fields(r: &mut Rng, p: &Plan, done: &mut Plan) -> Vec<Field> {
    let mut fields = vec![Field {
        name: "From".into(),
        words: address_words(r),
    }];
    let mut add = |name: &str, words: Vec<Vec<u8>>| {
        fields.push(Field {
            name: name.into(),
            words,
        });
    };
    if r.chance(80) {
        let mut w = address_words(r);
        if r.chance(30) {
            if let Some(last) = w.last_mut() {
                last.push(b',');
            }
            w.extend(address_words(r));
        }
        add("To", w);
    }
    if r.chance(30) {
        add("Cc", address_words(r));
    }
    if r.chance(85) || p.utf8_subject || p.latin1_subject {
        let n = r.range(1, 12);
        done.utf8_subject = p.utf8_subject;
        done.latin1_subject = p.latin1_subject;
        add(
            "Subject",
            text_words(r, n, p.utf8_subject, p.latin1_subject),
        );
    }
    if r.chance(70) {
        let date = format!(
            "{}, {} {} 20{:02} {:02}:{:02}:{:02} {}",
            r.pick(&["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
            r.range(1, 28),
            r.pick(&[
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"
            ]),
            r.range(10, 30),
            r.below(24),
            r.below(60),
            r.below(60),
            r.pick(&["+0000", "-0500", "+0130", "(UTC)"])
        );
        add("Date", words(&date.split(' ').collect::<Vec<_>>()));
    }
    if r.chance(70) {
        let id = format!("<{:016x}.{}@{}>", r.next(), r.below(1000), r.pick(DOMAINS));
        add("Message-ID", vec![id.into_bytes()]);
    }
    if r.chance(20) {
        add("Reply-To", address_words(r));
    }
    if r.chance(40) {
        add("MIME-Version", words(&["1.0"]));
    }
    if r.chance(40) {
        let charset = if p.latin1_body {
            "charset=iso-8859-1"
        } else {
            r.pick(&["charset=\"utf-8\"", "charset=us-ascii", "format=flowed"])
        };
        add("Content-Type", words(&["text/plain;", charset]));
    }
    for _ in 0..r.below(4) {
        let name = r.pick(X_NAMES);
        let n = r.range(1, 5);
        let w = text_words(r, n, false, false);
        add(name, w);
    }
    if p.empty_value {
        add("X-Empty", Vec::new());
        done.empty_value = true;
    }
    if p.repeated {
        let name = r.pick(&["To", "Cc", "X-Loop", "X-Test-Id"]);
        for _ in 0..r.range(2, 3) {
            let w = if name.starts_with("X-") {
                let n = r.range(1, 4);
                text_words(r, n, false, false)
            } else {
                address_words(r)
            };
            add(name, w);
        }
    }
    r.shuffle(&mut fields);
    if p.name_case {
        for f in &mut fields {
            if r.chance(60) {
                let name = odd_case(r, &f.name);
                done.name_case |= name != f.name;
                f.name = name;
            }
        }
    }
    done.repeated = fields.iter().enumerate().any(|(i, f)| {
        fields[..i]
            .iter()
            .any(|g| g.name.eq_ignore_ascii_case(&f.name))
    });
    fields
}

fn write_header(
    r: &mut Rng,
    p: &Plan,
    done: &mut Plan,
    eol: &[u8],
    out: &mut Vec<u8>,
    fields: &[Field],
) {
    // The one field (never From) that gets white space before its colon.
    let before_colon = if p.wsp_before_colon {
        let candidates: Vec<usize> = (0..fields.len())
            .filter(|&i| !fields[i].name.eq_ignore_ascii_case("from"))
            .collect();
        candidates.get(r.below(candidates.len())).copied()
    } else {
        None
    };
    for (i, field) in fields.iter().enumerate() {
        out.extend_from_slice(field.name.as_bytes());
        if before_colon == Some(i) {
            out.extend_from_slice(r.pick(&[&b" "[..], b"\t", b"  "]));
            done.wsp_before_colon = true;
        }
        out.push(b':');
        if field.words.is_empty() {
            out.extend_from_slice(eol);
            continue;
        }
        if p.wsp_after_colon && r.chance(60) {
            out.extend_from_slice(r.pick(&[&b""[..], b"\t", b"  ", b" \t", b"\t "]));
            done.wsp_after_colon = true;
        } else {
            out.push(b' ');
        }
        for (j, word) in field.words.iter().enumerate() {
            if j > 0 {
                if p.folded && r.chance(35) {
                    if p.trailing_wsp_header && r.chance(50) {
                        out.extend_from_slice(r.pick(TRAILING));
                        done.trailing_wsp_header = true;
                    }
                    out.extend_from_slice(eol);
                    out.extend_from_slice(r.pick(&[&b" "[..], b"\t", b"  ", b" \t"]));
                    done.folded = true;
                } else if p.inner_wsp && r.chance(30) {
                    out.extend_from_slice(r.pick(GAPS));
                    done.inner_wsp = true;
                } else {
                    out.push(b' ');
                }
            }
            out.extend_from_slice(word);
        }
        if p.trailing_wsp_header && r.chance(40) {
            out.extend_from_slice(r.pick(TRAILING));
            done.trailing_wsp_header = true;
        }
        out.extend_from_slice(eol);
    }
}

fn body_line(r: &mut Rng, p: &Plan, done: &mut Plan, utf8: bool, latin1: bool) -> Vec<u8> {
    let n = r.range(1, 14);
    let ws = text_words(r, n, utf8, latin1);
    let mut line = Vec::new();
    if p.inner_wsp && r.chance(15) {
        line.extend_from_slice(r.pick(GAPS));
        done.inner_wsp = true;
    }
    for (j, w) in ws.iter().enumerate() {
        if j > 0 {
            if p.inner_wsp && r.chance(20) {
                line.extend_from_slice(r.pick(GAPS));
                done.inner_wsp = true;
            } else {
                line.push(b' ');
            }
        }
        line.extend_from_slice(w);
    }
    line
}

fn long_line(r: &mut Rng) -> Vec<u8> {
    // Room for trailing white space within 2,000 bytes.
    let len = r.range(999, 1995);
    let mut line = Vec::with_capacity(len);
    if r.chance(30) {
        // One unbroken word.
        line.resize(len, b'x');
        return line;
    }
    while line.len() < len {
        if !line.is_empty() {
            line.push(b' ');
        }
        line.extend_from_slice(r.pick(ASCII_WORDS).as_bytes());
    }
    line.truncate(len);
    // No white space at the end unless asked for elsewhere.
    while line.last().is_some_and(|&b| b == b' ') {
        line.pop();
        line.push(b'y');
    }
    line
}

fn write_body(r: &mut Rng, p: &Plan, done: &mut Plan, eol: &[u8], out: &mut Vec<u8>) {
    if p.empty_body {
        done.empty_body = true;
        return;
    }
    if p.blank_only_body {
        done.blank_only_body = true;
        for _ in 0..r.range(1, 3) {
            out.extend_from_slice(eol);
        }
        return;
    }
    let count = r.range(1, 25);
    let mut lines: Vec<Vec<u8>> = (0..count)
        .map(|_| body_line(r, p, done, false, false))
        .collect();
    if p.utf8_body {
        let i = r.below(lines.len() + 1);
        let line = body_line(r, p, done, true, false);
        lines.insert(i, line);
        done.utf8_body = true;
    }
    if p.latin1_body {
        let i = r.below(lines.len() + 1);
        let line = body_line(r, p, done, false, true);
        lines.insert(i, line);
        done.latin1_body = true;
    }
    if p.long_line {
        let i = r.below(lines.len() + 1);
        lines.insert(i, long_line(r));
        done.long_line = true;
    }
    if p.trailing_wsp_body {
        for line in &mut lines {
            if r.chance(40) {
                line.extend_from_slice(r.pick(TRAILING));
                done.trailing_wsp_body = true;
            }
        }
    }
    if p.wsp_only_line {
        for _ in 0..r.range(1, 2) {
            // Anywhere, the end included.
            let i = r.below(lines.len() + 1);
            lines.insert(i, r.pick(TRAILING).to_vec());
        }
        done.wsp_only_line = true;
    }
    if p.blank_run {
        // Strictly inside: text lines on both sides.
        let i = r.range(1, lines.len());
        for _ in 0..r.range(2, 4) {
            lines.insert(i, Vec::new());
        }
        let before = body_line(r, p, done, false, false);
        lines.insert(i, before);
        let after = body_line(r, p, done, false, false);
        lines.push(after);
        done.blank_run = true;
    }
    if p.no_final_eol {
        let mut last = body_line(r, p, done, false, false);
        if p.trailing_wsp_unterminated {
            last.extend_from_slice(r.pick(TRAILING));
            done.trailing_wsp_unterminated = true;
        }
        lines.push(last);
        done.no_final_eol = true;
    }
    if p.trailing_blank_lines {
        for _ in 0..r.range(1, 4) {
            lines.push(Vec::new());
        }
        done.trailing_blank_lines = true;
    }
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        out.extend_from_slice(line);
        if !(p.no_final_eol && i == last) {
            out.extend_from_slice(eol);
        }
    }
}

fn mix(seed: u64, index: usize) -> u64 {
    let mut r = Rng(seed);
    let a = r.next();
    let mut r = Rng(a ^ (index as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    r.next()
}

/// The message `index` of the corpus of `seed`: each message depends only
/// on the seed and its index, so `messages(s, 10)` is a prefix of
/// `messages(s, 500)`.
pub fn message(seed: u64, index: usize) -> Message {
    let mut r = Rng(mix(seed, index));
    let plan = Plan::choose(&mut r);
    // What was done: the plan allows a feature, chance decides.
    let mut done = Plan {
        lf: plan.lf,
        ..Plan::default()
    };
    let eol: &[u8] = if plan.lf { b"\n" } else { b"\r\n" };
    let fields = header_fields(&mut r, &plan, &mut done);
    let mut bytes = Vec::new();
    write_header(&mut r, &plan, &mut done, eol, &mut bytes, &fields);
    bytes.extend_from_slice(eol);
    write_body(&mut r, &plan, &mut done, eol, &mut bytes);
    Message {
        bytes,
        description: done.describe(index),
    }
}

/// `count` messages of the corpus of `seed`.
pub fn messages(seed: u64, count: usize) -> Vec<Message> {
    (0..count).map(|i| message(seed, i)).collect()
}

/// A header field as found in a message: where it is and what it is named.
#[derive(Debug)]
struct FoundField {
    /// Lower-case name, white space before the colon removed.
    name: Vec<u8>,
    /// Byte range of the value: after the colon to the end of its last line
    /// (line breaks of folds inside).
    value: core::ops::Range<usize>,
}

/// The header fields of `msg` and where its body starts.
fn split_message(msg: &[u8]) -> (Vec<FoundField>, usize) {
    let mut fields: Vec<FoundField> = Vec::new();
    let mut pos = 0;
    while pos < msg.len() {
        let end = msg[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(msg.len(), |i| pos + i);
        let next = (end + 1).min(msg.len());
        let content_end = if end > pos && msg[end - 1] == b'\r' && end < msg.len() {
            end - 1
        } else {
            end
        };
        let line = &msg[pos..content_end];
        if line.is_empty() {
            return (fields, next);
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if let Some(f) = fields.last_mut() {
                f.value.end = content_end;
            }
        } else if let Some(colon) = line.iter().position(|&b| b == b':') {
            let name = line[..colon]
                .iter()
                .rev()
                .skip_while(|b| **b == b' ' || **b == b'\t')
                .map(u8::to_ascii_lowercase)
                .collect::<Vec<u8>>()
                .into_iter()
                .rev()
                .collect();
            fields.push(FoundField {
                name,
                value: pos + colon + 1..content_end,
            });
        }
        pos = next;
    }
    (fields, msg.len())
}

/// The tags of a DKIM-Signature value: (name, value) with white space and
/// line breaks removed.
fn tags(value: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    value
        .split(|&b| b == b';')
        .filter_map(|spec| {
            let eq = spec.iter().position(|&b| b == b'=')?;
            let clean = |s: &[u8]| -> Vec<u8> {
                s.iter()
                    .copied()
                    .filter(|b| !b" \t\r\n".contains(b))
                    .collect()
            };
            Some((clean(&spec[..eq]), clean(&spec[eq + 1..])))
        })
        .collect()
}

fn changeable(b: u8) -> bool {
    !b" \t\r\n".contains(&b)
}

/// A copy of `msg` with one byte changed, so that the topmost
/// DKIM-Signature field of `msg` no longer verifies: a non-white-space byte
/// of the body (within what its `l=` covers) or of the value of a header
/// field its `h=` selects (RFC 6376 5.4.2: the last instances first),
/// becomes a different letter or digit. Which byte, and whether body or
/// header, follows `seed`. Without a DKIM-Signature field any field but
/// DKIM-Signature may change. With nothing to change, a letter is put at the
/// start of the body.
pub fn tamper(msg: &[u8], seed: u64) -> Vec<u8> {
    let mut r = Rng(mix(seed, 0x7A3B));
    let (fields, body_start) = split_message(msg);
    let signature = fields.iter().find(|f| f.name == b"dkim-signature");
    let (signed, limit): (Vec<&FoundField>, Option<usize>) = match signature {
        Some(sig) => {
            let tags = tags(&msg[sig.value.clone()]);
            let h = tags
                .iter()
                .find(|(k, _)| k == b"h")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let limit = tags
                .iter()
                .find(|(k, _)| k == b"l")
                .and_then(|(_, v)| core::str::from_utf8(v).ok()?.parse::<usize>().ok());
            let mut used = vec![false; fields.len()];
            let mut signed = Vec::new();
            for name in h.split(|&b| b == b':') {
                let name = name.to_ascii_lowercase();
                if name == b"dkim-signature" {
                    continue;
                }
                // The last unused instance of the name.
                if let Some(i) = (0..fields.len())
                    .rev()
                    .find(|&i| !used[i] && fields[i].name == name)
                {
                    used[i] = true;
                    signed.push(&fields[i]);
                }
            }
            (signed, limit)
        }
        None => (
            fields
                .iter()
                .filter(|f| f.name != b"dkim-signature")
                .collect(),
            None,
        ),
    };
    let header_spots: Vec<usize> = signed
        .iter()
        .flat_map(|f| f.value.clone())
        .filter(|&i| changeable(msg[i]))
        .collect();
    // A raw body byte at offset k lands at offset 2k at most in the
    // canonical body (LF becomes CRLF), so one below l/2 is inside l=.
    let body_end = limit.map_or(msg.len(), |l| {
        body_start.saturating_add(l / 2).min(msg.len())
    });
    let body_spots: Vec<usize> = (body_start..body_end)
        .filter(|&i| changeable(msg[i]))
        .collect();
    let spots = match (header_spots.is_empty(), body_spots.is_empty()) {
        (false, false) => {
            if r.chance(50) {
                header_spots
            } else {
                body_spots
            }
        }
        (false, true) => header_spots,
        (true, false) => body_spots,
        (true, true) => {
            let mut out = msg.to_vec();
            out.insert(body_start.min(out.len()), b'Q');
            return out;
        }
    };
    let at = spots[r.below(spots.len())];
    let mut out = msg.to_vec();
    const REPLACEMENTS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut new = r.pick(REPLACEMENTS);
    if new == out[at] {
        new = if new == b'Z' { b'A' } else { new + 1 };
    }
    out[at] = new;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_fields_and_body() {
        let msg = b"From: a\r\nTo : b,\r\n c\r\nX:\r\n\r\nbody\r\n";
        let (fields, body) = split_message(msg);
        let names: Vec<&[u8]> = fields.iter().map(|f| &f.name[..]).collect();
        assert_eq!(names, [&b"from"[..], b"to", b"x"]);
        assert_eq!(&msg[fields[1].value.clone()], b" b,\r\n c");
        assert_eq!(&msg[body..], b"body\r\n");
        let (fields, body) = split_message(b"A: b\nC: d\n");
        assert_eq!(fields.len(), 2);
        assert_eq!(body, 10);
    }

    #[test]
    fn tamper_respects_h_and_l() {
        // h= signs the last To only; l=0 covers no body.
        let msg = b"DKIM-Signature: v=1; h=to; l=0; b=\r\nTo: one\r\nTo: two\r\n\r\nbody\r\n";
        for seed in 0..50 {
            let out = tamper(msg, seed);
            assert_eq!(out.len(), msg.len());
            let diff: Vec<usize> = (0..msg.len()).filter(|&i| out[i] != msg[i]).collect();
            assert_eq!(diff.len(), 1, "{seed}");
            let text = &msg[..];
            let second_to = text.windows(7).position(|w| w == b"To: two").unwrap();
            assert!(
                diff[0] >= second_to + 4 && diff[0] < second_to + 7,
                "{seed}"
            );
        }
    }

    #[test]
    fn tamper_takes_any_bytes() {
        let mut r = Rng(99);
        let alphabet = b"\r\n \t:;=hlXa\xe9DKIM-Signature";
        for _ in 0..3000 {
            let len = r.below(120);
            let msg: Vec<u8> = (0..len).map(|_| r.pick(alphabet)).collect();
            let out = tamper(&msg, r.next());
            assert!(out.len() == msg.len() || out.len() == msg.len() + 1);
        }
        assert_eq!(tamper(b"", 0), b"Q");
    }

    #[test]
    fn rng_is_splitmix64() {
        // The first output of splitmix64 seeded with 0.
        assert_eq!(Rng(0).next(), 0xE220_A839_7B1D_CDAF);
    }
}
