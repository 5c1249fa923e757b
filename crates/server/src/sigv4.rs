//! Authentication as DynamoDB's service front end does it: AWS Signature Version 4, in the
//! `Authorization` header or in the query string (`X-Amz-Algorithm`, `X-Amz-Credential`, ...).
//! Without configured credentials ([`Auth::ShapeOnly`]) a request must only carry a
//! well-formed signature (every SDK and the CLI sign, whatever keys they hold); with
//! `--credentials` ([`Auth::Verify`]) the signature is recomputed: the canonical request, the
//! credential scope, the clock skew (15 minutes either way), the access key and the payload
//! hash (`x-amz-content-sha256`, `UNSIGNED-PAYLOAD` included). Each refusal is an
//! [`AuthError`] naming DynamoDB's error and its message, checked in the order DynamoDB
//! checks them.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use hyper::header::{AUTHORIZATION, HeaderMap};
use sha2::{Digest, Sha256};

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const SERVICE: &str = "dynamodb";
const TERMINATOR: &str = "aws4_request";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// How far a request's date may be from the server's clock.
const MAX_SKEW_SECONDS: u64 = 15 * 60;

/// How requests are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// A well-formed signature is required but not checked (any keys are accepted).
    ShapeOnly,
    /// Signatures are verified against these access keys and their secrets.
    Verify(HashMap<String, String>),
}

/// A refusal: DynamoDB's error name (under `com.amazon.coral.service`) and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    pub name: &'static str,
    pub message: String,
}

impl AuthError {
    fn missing() -> Self {
        Self::new(
            "MissingAuthenticationTokenException",
            "Request is missing Authentication Token",
        )
    }

    fn incomplete(message: impl Into<String>) -> Self {
        Self::new("IncompleteSignatureException", message)
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new("InvalidSignatureException", message)
    }

    fn unrecognized() -> Self {
        Self::new(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    }

    fn new(name: &'static str, message: impl Into<String>) -> Self {
        AuthError {
            name,
            message: message.into(),
        }
    }
}

/// What the signature covers: the request as it arrived.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as sent (still percent-encoded).
    pub path: &'a str,
    /// The raw query string, without the `?`.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    /// The body as sent (before any Content-Encoding is undone).
    pub body: &'a [u8],
}

/// Where the signature was carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Header,
    Query,
}

/// The signature's parts as the request presents them.
#[derive(Debug)]
struct Presented {
    form: Form,
    algorithm: String,
    credential: String,
    signed_headers: String,
    signature: String,
    /// The request's date as written (ISO 8601 basic format, or an HTTP `Date`).
    date: String,
}

/// The credential's five parts: `keyid/date/region/service/aws4_request`.
struct Scope<'a> {
    key: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    terminator: &'a str,
}

/// Who a request that passed says it comes from: its credential's access key id and the
/// region it is signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub access_key_id: String,
    pub region: String,
}

impl Auth {
    /// Accepts or refuses `request` at time `now`, answering who sent it.
    pub fn check(&self, request: &SignedRequest, now: SystemTime) -> Result<Caller, AuthError> {
        let presented = presented(request)?;
        let seconds = request_seconds(&presented.date)?;
        match self {
            Auth::ShapeOnly => check_algorithm(&presented)?,
            Auth::Verify(secrets) => verify(secrets, request, &presented, seconds, now)?,
        }
        let scope = scope_of(&presented.credential)?;
        Ok(Caller {
            access_key_id: scope.key.to_owned(),
            region: scope.region.to_owned(),
        })
    }
}

fn verify(
    secrets: &HashMap<String, String>,
    request: &SignedRequest,
    presented: &Presented,
    seconds: u64,
    now: SystemTime,
) -> Result<(), AuthError> {
    check_skew(seconds, unix_seconds(now))?;
    let signed: Vec<&str> = presented.signed_headers.split(';').collect();
    if !signed.iter().any(|h| h.eq_ignore_ascii_case("host")) {
        return Err(AuthError::invalid(
            "'Host' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    check_algorithm(presented)?;
    let scope = scope_of(&presented.credential)?;
    let amz_date = iso_basic(seconds);
    check_scope(&scope, &amz_date)?;
    let secret = secrets.get(scope.key).ok_or_else(AuthError::unrecognized)?;
    let key = signing_key(secret, scope.date, scope.region, scope.service);
    let credential_scope = format!(
        "{}/{}/{}/{}",
        scope.date, scope.region, scope.service, scope.terminator
    );
    let matches = |payload_hash: &str| {
        let canonical = canonical_request(request, presented.form, &signed, payload_hash);
        let expected = signature(
            &key,
            &string_to_sign(&amz_date, &credential_scope, &canonical),
        );
        constant_time_eq(expected.as_bytes(), presented.signature.as_bytes())
    };
    let payload_hash = payload_hash(request)?;
    // A presigned URL may leave its payload unsigned, as S3's presigned requests do.
    if matches(&payload_hash) || (presented.form == Form::Query && matches(UNSIGNED_PAYLOAD)) {
        Ok(())
    } else {
        Err(AuthError::invalid(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details.",
        ))
    }
}

/// The signature parts from the header or the query string, or the error for what is
/// missing: both forms at once, neither, or an incomplete one.
fn presented(request: &SignedRequest) -> Result<Presented, AuthError> {
    let header = request
        .headers
        .get(AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let query = query_pairs(request.query.unwrap_or_default());
    let in_query = query.iter().any(|(k, _)| k == "X-Amz-Algorithm");
    match (header, in_query) {
        (Some(_), true) => Err(AuthError::invalid(
            "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP \
             header.",
        )),
        (Some(header), false) if header.trim_start().starts_with("AWS4-") => {
            from_header(&header, request.headers)
        }
        (None, true) => from_query(&query),
        _ => Err(AuthError::missing()),
    }
}

fn from_header(header: &str, headers: &HeaderMap) -> Result<Presented, AuthError> {
    let mut words = header.split([',', ' ']).filter(|w| !w.is_empty());
    let algorithm = words.next().unwrap_or_default().to_owned();
    let params: HashMap<&str, &str> = words.filter_map(|w| w.split_once('=')).collect();
    let param = |name: &str| params.get(name).map(|v| v.to_string()).unwrap_or_default();
    let date = header_text(headers, "x-amz-date").or_else(|| header_text(headers, "date"));
    let mut missing = String::new();
    for name in ["Credential", "Signature", "SignedHeaders"] {
        if param(name).is_empty() {
            missing += &format!("Authorization header requires '{name}' parameter. ");
        }
    }
    if date.is_none() {
        missing += "Authorization header requires existence of either a 'X-Amz-Date' or a \
                    'Date' header. ";
    }
    if !missing.is_empty() {
        return Err(AuthError::incomplete(format!(
            "{missing}Authorization={header}"
        )));
    }
    Ok(Presented {
        form: Form::Header,
        algorithm,
        credential: param("Credential"),
        signed_headers: param("SignedHeaders"),
        signature: param("Signature"),
        date: date.unwrap_or_default(),
    })
}

fn from_query(query: &[(String, String)]) -> Result<Presented, AuthError> {
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut missing = String::new();
    for name in [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Signature",
        "X-Amz-SignedHeaders",
        "X-Amz-Date",
    ] {
        if param(name).is_empty() {
            missing += &format!("AWS query-string parameters must include '{name}'. ");
        }
    }
    if !missing.is_empty() {
        return Err(AuthError::incomplete(format!(
            "{missing}Re-examine the query-string parameters."
        )));
    }
    Ok(Presented {
        form: Form::Query,
        algorithm: param("X-Amz-Algorithm"),
        credential: param("X-Amz-Credential"),
        signed_headers: param("X-Amz-SignedHeaders"),
        signature: param("X-Amz-Signature"),
        date: param("X-Amz-Date"),
    })
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The request's time in Unix seconds, from `X-Amz-Date` (ISO 8601 basic) or an HTTP date.
fn request_seconds(date: &str) -> Result<u64, AuthError> {
    parse_iso_basic(date)
        .or_else(|| parse_http_date(date))
        .ok_or_else(|| {
            AuthError::incomplete(format!(
                "Date must be in ISO-8601 'basic format'. Got '{date}'. See \
                 http://en.wikipedia.org/wiki/ISO_8601"
            ))
        })
}

fn check_skew(request: u64, now: u64) -> Result<(), AuthError> {
    if request + MAX_SKEW_SECONDS < now {
        return Err(AuthError::invalid(format!(
            "Signature expired: {} is now earlier than {} ({} - 15 min.)",
            iso_basic(request),
            iso_basic(now - MAX_SKEW_SECONDS),
            iso_basic(now)
        )));
    }
    if request > now + MAX_SKEW_SECONDS {
        return Err(AuthError::invalid(format!(
            "Signature not yet current: {} is still later than {} ({} + 15 min.)",
            iso_basic(request),
            iso_basic(now + MAX_SKEW_SECONDS),
            iso_basic(now)
        )));
    }
    Ok(())
}

fn check_algorithm(presented: &Presented) -> Result<(), AuthError> {
    if presented.algorithm == ALGORITHM {
        Ok(())
    } else {
        Err(AuthError::incomplete(format!(
            "Unsupported AWS 'algorithm': '{}' (only {ALGORITHM} for now). ",
            presented.algorithm
        )))
    }
}

/// The credential's five parts (trailing slashes ignored), or DynamoDB's refusal.
fn scope_of(credential: &str) -> Result<Scope<'_>, AuthError> {
    let parts: Vec<&str> = credential.trim_end_matches('/').split('/').collect();
    match parts[..] {
        [key, date, region, service, terminator] => Ok(Scope {
            key,
            date,
            region,
            service,
            terminator,
        }),
        _ => Err(AuthError::incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got '{}'",
            credential.trim_end_matches('/')
        ))),
    }
}

/// The scope's service, terminator and date, each wrong one named in DynamoDB's words. Any
/// non-empty region is accepted: the endpoint serves every region.
fn check_scope(scope: &Scope, amz_date: &str) -> Result<(), AuthError> {
    let mut problems = Vec::new();
    if scope.region.is_empty() {
        problems.push("Credential should be scoped to a valid region, not ''.".to_owned());
    }
    if scope.service != SERVICE {
        problems.push(format!(
            "Credential should be scoped to correct service: '{SERVICE}'."
        ));
    }
    if scope.terminator != TERMINATOR {
        problems.push(format!(
            "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{}'.",
            scope.terminator
        ));
    }
    if scope.date != &amz_date[..8] {
        problems.push(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '{}' != '{}', from '{amz_date}'.",
            scope.date,
            &amz_date[..8]
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AuthError::invalid(problems.join(" ")))
    }
}

/// The hash the signature covers: `x-amz-content-sha256` when sent (checked against the
/// body unless it is `UNSIGNED-PAYLOAD`), else the body's own.
fn payload_hash(request: &SignedRequest) -> Result<String, AuthError> {
    let actual = hex(&Sha256::digest(request.body));
    match header_text(request.headers, "x-amz-content-sha256") {
        None => Ok(actual),
        Some(declared) if declared == UNSIGNED_PAYLOAD => Ok(declared),
        Some(declared) if declared.eq_ignore_ascii_case(&actual) => Ok(declared),
        Some(_) => Err(AuthError::invalid(
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )),
    }
}

/// AWS's canonical request: method, canonical URI, canonical query (without the signature
/// itself), the signed headers with their values, their names, and the payload hash.
fn canonical_request(
    request: &SignedRequest,
    form: Form,
    signed: &[&str],
    payload_hash: &str,
) -> String {
    let mut query: Vec<(String, String)> = query_pairs(request.query.unwrap_or_default())
        .into_iter()
        .filter(|(k, _)| form == Form::Header || k != "X-Amz-Signature")
        .map(|(k, v)| (uri_encode(&k, true), uri_encode(&v, true)))
        .collect();
    query.sort();
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let names: Vec<String> = signed.iter().map(|h| h.to_ascii_lowercase()).collect();
    let headers: String = names
        .iter()
        .map(|name| format!("{name}:{}\n", canonical_header_value(request.headers, name)))
        .collect();
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        uri_encode(request.path, false),
        query.join("&"),
        headers,
        names.join(";"),
        payload_hash
    )
}

/// Every value of the header, trimmed, inner runs of spaces folded to one, joined by commas.
fn canonical_header_value(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn string_to_sign(amz_date: &str, credential_scope: &str, canonical: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{credential_scope}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    )
}

fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let key = hmac(&key, region.as_bytes());
    let key = hmac(&key, service.as_bytes());
    hmac(&key, TERMINATOR.as_bytes())
}

fn signature(key: &[u8], string_to_sign: &str) -> String {
    hex(&hmac(key, string_to_sign.as_bytes()))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The query string's pairs, percent-decoded (`+` stays a plus, as AWS signs it).
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// AWS's URI encoding: unreserved characters kept, everything else `%XX`; `/` kept in paths.
fn uri_encode(text: &str, encode_slash: bool) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b'/' if !encode_slash => "/".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `YYYYMMDDTHHMMSSZ` for a Unix time.
fn iso_basic(seconds: u64) -> String {
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let rest = seconds % 86_400;
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

fn parse_iso_basic(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    to_unix(year, month, day, hour, minute, second)
}

/// An RFC 1123 date: `Mon, 09 Sep 2011 23:36:00 GMT`.
fn parse_http_date(text: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = words[..] else {
        return None;
    };
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let clock: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [hour, minute, second] = clock[..] else {
        return None;
    };
    to_unix(
        year.parse().ok()?,
        month,
        day.parse().ok()?,
        hour,
        minute,
        second,
    )
}

fn to_unix(year: u64, month: u64, day: u64, hour: u64, minute: u64, second: u64) -> Option<u64> {
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    valid.then(|| {
        let days = days_from_civil(year as i64, month as i64, day as i64) as u64;
        days * 86_400 + hour * 3600 + minute * 60 + second
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Who the test vectors' credential names.
    fn vector_caller() -> Caller {
        Caller {
            access_key_id: "AKIDEXAMPLE".into(),
            region: "us-east-1".into(),
        }
    }
    use std::time::Duration;

    const KEY: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const VECTOR_DATE: &str = "20150830T123600Z";
    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                hyper::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    fn request<'a>(
        headers: &'a HeaderMap,
        query: Option<&'a str>,
        body: &'a [u8],
    ) -> SignedRequest<'a> {
        SignedRequest {
            method: "POST",
            path: "/",
            query,
            headers,
            body,
        }
    }

    fn at(amz_date: &str) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(parse_iso_basic(amz_date).unwrap())
    }

    fn verifying() -> Auth {
        Auth::Verify(HashMap::from([(KEY.to_owned(), SECRET.to_owned())]))
    }

    /// An Authorization header for a POST of `body` to `/`, signed with `secret`.
    fn signed_headers(secret: &str, amz_date: &str, body: &[u8]) -> HeaderMap {
        let mut map = headers(&[
            ("host", "localhost:8000"),
            ("x-amz-date", amz_date),
            ("x-amz-target", "DynamoDB_20120810.ListTables"),
        ]);
        let signed = ["host", "x-amz-date", "x-amz-target"];
        let scope = format!("{}/us-east-1/dynamodb/aws4_request", &amz_date[..8]);
        let canonical = canonical_request(
            &request(&map, None, body),
            Form::Header,
            &signed,
            &hex(&Sha256::digest(body)),
        );
        let key = signing_key(secret, &amz_date[..8], "us-east-1", "dynamodb");
        let sig = signature(&key, &string_to_sign(amz_date, &scope, &canonical));
        let value = format!(
            "{ALGORITHM} Credential={KEY}/{scope}, SignedHeaders={}, Signature={sig}",
            signed.join(";")
        );
        map.insert(AUTHORIZATION, value.parse().unwrap());
        map
    }

    fn vanilla(url_query: Option<&str>) -> String {
        let map = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", VECTOR_DATE),
        ]);
        let get = SignedRequest {
            method: "GET",
            path: "/",
            query: url_query,
            headers: &map,
            body: b"",
        };
        let canonical =
            canonical_request(&get, Form::Header, &["host", "x-amz-date"], EMPTY_SHA256);
        let key = signing_key(SECRET, "20150830", "us-east-1", "service");
        signature(
            &key,
            &string_to_sign(
                VECTOR_DATE,
                "20150830/us-east-1/service/aws4_request",
                &canonical,
            ),
        )
    }

    #[test]
    fn the_aws_test_suite_get_vanilla_signature_is_reproduced() {
        assert_eq!(
            vanilla(None),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn the_aws_test_suite_query_order_key_case_signature_is_reproduced() {
        assert_eq!(
            vanilla(Some("Param2=value2&Param1=value1")),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
    }

    #[test]
    fn the_aws_documentation_iam_example_signing_key_and_signature_are_reproduced() {
        let key = signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(
            hex(&key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
        let map = headers(&[
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("host", "iam.amazonaws.com"),
            ("x-amz-date", VECTOR_DATE),
        ]);
        let get = SignedRequest {
            method: "GET",
            path: "/",
            query: Some("Action=ListUsers&Version=2010-05-08"),
            headers: &map,
            body: b"",
        };
        let canonical = canonical_request(
            &get,
            Form::Header,
            &["content-type", "host", "x-amz-date"],
            EMPTY_SHA256,
        );
        let sts = string_to_sign(
            VECTOR_DATE,
            "20150830/us-east-1/iam/aws4_request",
            &canonical,
        );
        assert_eq!(
            signature(&key, &sts),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn no_authorization_is_a_missing_authentication_token() {
        let map = headers(&[("x-amz-date", VECTOR_DATE)]);
        let e = Auth::ShapeOnly.check(&request(&map, None, b"{}"), at(VECTOR_DATE));
        assert_eq!(e, Err(AuthError::missing()));
    }

    #[test]
    fn an_authorization_not_starting_aws4_dash_is_a_missing_authentication_token() {
        let map = headers(&[("authorization", "AWS4"), ("x-amz-date", VECTOR_DATE)]);
        let e = Auth::ShapeOnly.check(&request(&map, None, b"{}"), at(VECTOR_DATE));
        assert_eq!(e.unwrap_err().name, "MissingAuthenticationTokenException");
    }

    #[test]
    fn an_incomplete_header_names_every_missing_part_and_echoes_the_header() {
        let map = headers(&[("authorization", "AWS4-")]);
        let e = Auth::ShapeOnly
            .check(&request(&map, None, b"{}"), at(VECTOR_DATE))
            .unwrap_err();
        assert_eq!(e.name, "IncompleteSignatureException");
        assert_eq!(
            e.message,
            "Authorization header requires 'Credential' parameter. Authorization header \
             requires 'Signature' parameter. Authorization header requires 'SignedHeaders' \
             parameter. Authorization header requires existence of either a 'X-Amz-Date' or \
             a 'Date' header. Authorization=AWS4-"
        );
    }

    #[test]
    fn an_incomplete_query_signature_names_every_missing_parameter() {
        let map = HeaderMap::new();
        let e = Auth::ShapeOnly
            .check(
                &request(&map, Some("X-Amz-Algorithm=AWS4-HMAC-SHA256"), b"{}"),
                at(VECTOR_DATE),
            )
            .unwrap_err();
        assert_eq!(e.name, "IncompleteSignatureException");
        assert_eq!(
            e.message,
            "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string \
             parameters must include 'X-Amz-Signature'. AWS query-string parameters must \
             include 'X-Amz-SignedHeaders'. AWS query-string parameters must include \
             'X-Amz-Date'. Re-examine the query-string parameters."
        );
    }

    #[test]
    fn a_header_and_a_query_signature_together_are_refused() {
        let map = headers(&[("authorization", "AWS4-HMAC-SHA256 Credential=a")]);
        let e = Auth::ShapeOnly
            .check(
                &request(&map, Some("X-Amz-Algorithm=x"), b"{}"),
                at(VECTOR_DATE),
            )
            .unwrap_err();
        assert_eq!(e.name, "InvalidSignatureException");
        assert!(
            e.message.starts_with("Found both 'X-Amz-Algorithm'"),
            "{}",
            e.message
        );
    }

    #[test]
    fn shape_only_accepts_any_well_formed_signature() {
        let map = signed_headers("not the secret", VECTOR_DATE, b"{}");
        assert_eq!(
            Auth::ShapeOnly.check(&request(&map, None, b"{}"), at("20300101T000000Z")),
            Ok(vector_caller())
        );
    }

    #[test]
    fn shape_only_refuses_a_date_not_in_basic_format() {
        let map = headers(&[
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=0",
            ),
            ("x-amz-date", "201"),
        ]);
        let e = Auth::ShapeOnly
            .check(&request(&map, None, b"{}"), at(VECTOR_DATE))
            .unwrap_err();
        assert_eq!(
            e.message,
            "Date must be in ISO-8601 'basic format'. Got '201'. See http://en.wikipedia.org/wiki/ISO_8601"
        );
    }

    #[test]
    fn shape_only_refuses_an_unsupported_algorithm() {
        let map = headers(&[
            (
                "authorization",
                "AWS4-HMAC-SHA25 Credential=a/b/c/d/e, SignedHeaders=host, Signature=0",
            ),
            ("x-amz-date", VECTOR_DATE),
        ]);
        let e = Auth::ShapeOnly
            .check(&request(&map, None, b"{}"), at(VECTOR_DATE))
            .unwrap_err();
        assert_eq!(
            e.message,
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). "
        );
    }

    #[test]
    fn shape_only_refuses_a_credential_without_five_parts() {
        let map = headers(&[
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=0",
            ),
            ("x-amz-date", VECTOR_DATE),
        ]);
        let e = Auth::ShapeOnly
            .check(&request(&map, None, b"{}"), at(VECTOR_DATE))
            .unwrap_err();
        assert_eq!(
            e.message,
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got 'a/b/c/d'"
        );
    }

    #[test]
    fn a_correct_signature_is_accepted() {
        let map = signed_headers(SECRET, VECTOR_DATE, b"{}");
        assert_eq!(
            verifying().check(&request(&map, None, b"{}"), at(VECTOR_DATE)),
            Ok(vector_caller())
        );
    }

    #[test]
    fn a_signature_made_with_another_secret_does_not_match() {
        let map = signed_headers("wrong", VECTOR_DATE, b"{}");
        let e = verifying()
            .check(&request(&map, None, b"{}"), at(VECTOR_DATE))
            .unwrap_err();
        assert_eq!(e.name, "InvalidSignatureException");
        assert!(
            e.message
                .starts_with("The request signature we calculated does not match")
        );
    }

    #[test]
    fn a_changed_body_does_not_match_its_signature() {
        let map = signed_headers(SECRET, VECTOR_DATE, b"{}");
        let e = verifying()
            .check(&request(&map, None, b"{ }"), at(VECTOR_DATE))
            .unwrap_err();
        assert_eq!(e.name, "InvalidSignatureException");
    }

    #[test]
    fn an_unknown_access_key_is_an_unrecognized_client() {
        let map = signed_headers(SECRET, VECTOR_DATE, b"{}");
        let other = Auth::Verify(HashMap::from([("OTHER".to_owned(), SECRET.to_owned())]));
        let e = other.check(&request(&map, None, b"{}"), at(VECTOR_DATE));
        assert_eq!(e, Err(AuthError::unrecognized()));
    }

    #[test]
    fn a_request_older_than_fifteen_minutes_has_an_expired_signature() {
        let map = signed_headers(SECRET, VECTOR_DATE, b"{}");
        let exactly_fifteen =
            verifying().check(&request(&map, None, b"{}"), at("20150830T125100Z"));
        assert_eq!(exactly_fifteen, Ok(vector_caller()));
        let e = verifying()
            .check(&request(&map, None, b"{}"), at("20150830T125101Z"))
            .unwrap_err();
        assert_eq!(
            e.message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z \
             (20150830T125101Z - 15 min.)"
        );
    }

    #[test]
    fn a_request_more_than_fifteen_minutes_ahead_is_not_yet_current() {
        let map = signed_headers(SECRET, VECTOR_DATE, b"{}");
        let e = verifying()
            .check(&request(&map, None, b"{}"), at("20150830T122059Z"))
            .unwrap_err();
        assert_eq!(
            e.message,
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z \
             (20150830T122059Z + 15 min.)"
        );
    }

    #[test]
    fn the_host_header_must_be_signed() {
        let map = headers(&[
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, SignedHeaders=x-amz-date, Signature=0",
            ),
            ("x-amz-date", VECTOR_DATE),
        ]);
        let e = verifying()
            .check(&request(&map, None, b"{}"), at(VECTOR_DATE))
            .unwrap_err();
        assert_eq!(
            e.message,
            "'Host' must be a 'SignedHeader' in the AWS Authorization."
        );
    }

    #[test]
    fn a_wrong_scope_is_described_part_by_part() {
        let map = headers(&[
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150829/us-east-1/s3/aws4, SignedHeaders=host, Signature=0",
            ),
            ("x-amz-date", VECTOR_DATE),
        ]);
        let e = verifying()
            .check(&request(&map, None, b"{}"), at(VECTOR_DATE))
            .unwrap_err();
        assert_eq!(e.name, "InvalidSignatureException");
        assert_eq!(
            e.message,
            "Credential should be scoped to correct service: 'dynamodb'. Credential should be \
             scoped with a valid terminator: 'aws4_request', not 'aws4'. Date in Credential \
             scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: \
             '20150829' != '20150830', from '20150830T123600Z'."
        );
    }

    #[test]
    fn an_unsigned_payload_declared_in_a_signed_header_is_accepted() {
        let amz_date = VECTOR_DATE;
        let mut map = headers(&[
            ("host", "localhost"),
            ("x-amz-content-sha256", UNSIGNED_PAYLOAD),
            ("x-amz-date", amz_date),
        ]);
        let signed = ["host", "x-amz-content-sha256", "x-amz-date"];
        let canonical = canonical_request(
            &request(&map, None, b"{}"),
            Form::Header,
            &signed,
            UNSIGNED_PAYLOAD,
        );
        let key = signing_key(SECRET, "20150830", "us-east-1", "dynamodb");
        let scope = "20150830/us-east-1/dynamodb/aws4_request";
        let sig = signature(&key, &string_to_sign(amz_date, scope, &canonical));
        let value = format!(
            "{ALGORITHM} Credential={KEY}/{scope}, SignedHeaders={}, Signature={sig}",
            signed.join(";")
        );
        map.insert(AUTHORIZATION, value.parse().unwrap());
        assert_eq!(
            verifying().check(&request(&map, None, b"anything"), at(amz_date)),
            Ok(vector_caller())
        );
    }

    #[test]
    fn a_declared_payload_hash_that_is_not_the_bodys_is_refused() {
        let map = headers(&[
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
            ),
            ("x-amz-date", VECTOR_DATE),
            ("x-amz-content-sha256", EMPTY_SHA256),
        ]);
        let e = verifying()
            .check(&request(&map, None, b"{}"), at(VECTOR_DATE))
            .unwrap_err();
        assert!(e.message.contains("x-amz-content-sha256"), "{}", e.message);
    }

    #[test]
    fn a_presigned_query_string_is_verified() {
        let map = headers(&[("host", "localhost")]);
        let scope = "20150830/us-east-1/dynamodb/aws4_request";
        let unsigned = format!(
            "X-Amz-Algorithm={ALGORITHM}&X-Amz-Credential={KEY}%2F20150830%2Fus-east-1%2Fdynamodb%2Faws4_request&X-Amz-Date={VECTOR_DATE}&X-Amz-SignedHeaders=host"
        );
        let canonical = canonical_request(
            &request(&map, Some(&unsigned), b"{}"),
            Form::Query,
            &["host"],
            &hex(&Sha256::digest(b"{}")),
        );
        let key = signing_key(SECRET, "20150830", "us-east-1", "dynamodb");
        let sig = signature(&key, &string_to_sign(VECTOR_DATE, scope, &canonical));
        let query = format!("{unsigned}&X-Amz-Signature={sig}");
        assert_eq!(
            verifying().check(&request(&map, Some(&query), b"{}"), at(VECTOR_DATE)),
            Ok(vector_caller())
        );
        let tampered = query.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host&x=1");
        assert!(
            verifying()
                .check(&request(&map, Some(&tampered), b"{}"), at(VECTOR_DATE))
                .is_err()
        );
    }

    #[test]
    fn an_http_date_header_stands_in_for_x_amz_date() {
        assert_eq!(
            parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"),
            parse_iso_basic(VECTOR_DATE)
        );
        let map = headers(&[
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host;date, Signature=0",
            ),
            ("date", "Sun, 30 Aug 2015 12:36:00 GMT"),
        ]);
        assert_eq!(
            Auth::ShapeOnly.check(&request(&map, None, b"{}"), at(VECTOR_DATE)),
            Ok(Caller {
                access_key_id: "a".into(),
                region: "c".into()
            })
        );
    }

    #[test]
    fn iso_basic_dates_round_trip() {
        for text in [
            "19700101T000000Z",
            "20150830T123600Z",
            "20240229T235959Z",
            "30200101T010101Z",
        ] {
            assert_eq!(iso_basic(parse_iso_basic(text).unwrap()), text);
        }
        assert_eq!(parse_iso_basic("20150830T123600"), None);
        assert_eq!(parse_iso_basic("2015083OT123600Z"), None);
    }
}
