//! The checksums an export's manifests carry, as DynamoDB writes them: `md5Checksum` is the
//! base64 of the file's MD5, and `etag` is S3's ETag of an object uploaded in one part of a
//! multipart upload (the MD5 of the part's MD5, in hex, then `-1`), the form the Developer
//! Guide's example shows (`af83d6f217c19b8b0fff8023d8ca4716-1`). The `.md5` files beside
//! the manifests hold the base64 MD5 of the manifest.

use base64::Engine as _;
use md5::{Digest, Md5};

/// The base64 of `data`'s MD5.
pub fn md5_base64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(data))
}

/// S3's ETag of `data` uploaded as the single part of a multipart upload.
pub fn multipart_etag(data: &[u8]) -> String {
    let part = Md5::digest(data);
    let whole = Md5::digest(part);
    let hex: String = whole.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}-1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_nothing() {
        assert_eq!(md5_base64(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }

    #[test]
    fn a_one_part_etag_is_the_md5_of_the_md5() {
        // md5("") = d41d8cd98f00b204e9800998ecf8427e; md5 of those 16 bytes:
        assert_eq!(multipart_etag(b""), "59adb24ef3cdbe0297f05b395827453f-1");
    }
}
