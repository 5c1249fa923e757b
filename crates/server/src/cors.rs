//! Cross-origin requests, answered as DynamoDB answers browsers: any origin is allowed
//! (`Access-Control-Allow-Origin: *` on every response to a request carrying `Origin`, with
//! the headers a page may read in `Access-Control-Expose-Headers`), and a preflight
//! `OPTIONS` is answered 200 with an empty body, echoing the requested headers and method
//! as allowed and letting the browser cache the answer for two days. A request without
//! `Origin` gets no CORS header at all.

use hyper::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, CONTENT_LENGTH, HeaderMap, ORIGIN,
};
use hyper::{Method, StatusCode};

/// The response headers DynamoDB lets a page read.
pub const EXPOSED: &str = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
/// How long (seconds) a browser may cache a preflight answer, as DynamoDB says.
const MAX_AGE: &str = "172800";

/// Whether the request comes from a page of another origin.
pub fn has_origin(headers: &HeaderMap) -> bool {
    headers.contains_key(ORIGIN)
}

/// Whether this is a preflight: `OPTIONS` with an `Origin`.
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS && has_origin(headers)
}

/// The preflight answer's status and headers (the body is empty).
pub fn preflight(request: &HeaderMap) -> (StatusCode, HeaderMap) {
    let mut headers = HeaderMap::new();
    let echoes = [
        (ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_ALLOW_HEADERS),
        (ACCESS_CONTROL_REQUEST_METHOD, ACCESS_CONTROL_ALLOW_METHODS),
    ];
    for (asked, allowed) in echoes {
        if let Some(value) = request.get(asked) {
            headers.insert(allowed, value.clone());
        }
    }
    headers.insert(ACCESS_CONTROL_MAX_AGE, MAX_AGE.parse().expect("digits"));
    headers.insert(CONTENT_LENGTH, "0".parse().expect("digits"));
    (StatusCode::OK, headers)
}

/// Adds the headers every response to a cross-origin request carries.
pub fn decorate(response: &mut HeaderMap) {
    response.insert(ACCESS_CONTROL_ALLOW_ORIGIN, "*".parse().expect("ASCII"));
    response.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        EXPOSED.parse().expect("ASCII"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(hyper::header::HeaderName, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.clone(), value.parse().unwrap()))
            .collect()
    }

    #[test]
    fn only_options_with_an_origin_is_a_preflight() {
        let with_origin = headers(&[(ORIGIN, "http://example.com")]);
        assert!(is_preflight(&Method::OPTIONS, &with_origin));
        assert!(!is_preflight(&Method::OPTIONS, &HeaderMap::new()));
        assert!(!is_preflight(&Method::POST, &with_origin));
    }

    #[test]
    fn a_preflight_echoes_the_requested_headers_and_method() {
        let request = headers(&[
            (ORIGIN, "http://example.com"),
            (ACCESS_CONTROL_REQUEST_HEADERS, "cat, meerkat, mouse"),
            (ACCESS_CONTROL_REQUEST_METHOD, "dog"),
        ]);
        let (status, answer) = preflight(&request);
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer[ACCESS_CONTROL_ALLOW_HEADERS], "cat, meerkat, mouse");
        assert_eq!(answer[ACCESS_CONTROL_ALLOW_METHODS], "dog");
        assert_eq!(answer[ACCESS_CONTROL_MAX_AGE], "172800");
        assert_eq!(answer[CONTENT_LENGTH], "0");
    }

    #[test]
    fn a_preflight_without_requested_headers_allows_none() {
        let (_, answer) = preflight(&headers(&[(ORIGIN, "http://example.com")]));
        assert!(!answer.contains_key(ACCESS_CONTROL_ALLOW_HEADERS));
        assert!(!answer.contains_key(ACCESS_CONTROL_ALLOW_METHODS));
    }

    #[test]
    fn cross_origin_responses_allow_any_origin_and_expose_the_request_id() {
        let mut response = HeaderMap::new();
        decorate(&mut response);
        assert_eq!(response[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(
            response[ACCESS_CONTROL_EXPOSE_HEADERS]
                .to_str()
                .unwrap()
                .contains("x-amzn-RequestId")
        );
    }
}
