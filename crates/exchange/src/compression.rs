//! The compressions an import reads (ImportTable's `InputCompressionType`: GZIP, ZSTD or
//! NONE) and the gzip an export writes. Everything here is pure Rust (flate2 over
//! miniz_oxide, ruzstd), so it builds for wasm32 as well as natively.

use std::io::{Read, Write};

/// ImportTable's `InputCompressionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
    None,
}

impl Compression {
    /// Reads the wire name; an absent one is NONE, as DynamoDB takes it.
    pub fn from_wire(name: Option<&str>) -> Option<Self> {
        match name {
            Some("GZIP") => Some(Compression::Gzip),
            Some("ZSTD") => Some(Compression::Zstd),
            Some("NONE") | None => Some(Compression::None),
            Some(_) => None,
        }
    }
}

/// `data` gzip-compressed, as an export's data files are.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(data)
        .expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail")
}

/// An object's bytes as they were before `compression`, or why they cannot be read. A
/// gzip object may be several gzip members one after another, as concatenated files are.
pub fn decompress(data: &[u8], compression: Compression) -> Result<Vec<u8>, String> {
    match compression {
        Compression::None => Ok(data.to_vec()),
        Compression::Gzip => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(data)
                .read_to_end(&mut out)
                .map_err(|e| format!("the object is not valid GZIP: {e}"))?;
            Ok(out)
        }
        Compression::Zstd => {
            let mut out = Vec::new();
            ruzstd::decoding::StreamingDecoder::new(data)
                .map_err(|e| format!("the object is not valid ZSTD: {e}"))?
                .read_to_end(&mut out)
                .map_err(|e| format!("the object is not valid ZSTD: {e}"))?;
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_round_trips() {
        let text = b"{\"Item\":{}}\n".repeat(100);
        let packed = gzip(&text);
        assert!(packed.len() < text.len());
        assert_eq!(decompress(&packed, Compression::Gzip).unwrap(), text);
    }

    #[test]
    fn concatenated_gzip_members_are_read_whole() {
        let mut packed = gzip(b"one\n");
        packed.extend(gzip(b"two\n"));
        assert_eq!(
            decompress(&packed, Compression::Gzip).unwrap(),
            b"one\ntwo\n"
        );
    }

    #[test]
    fn zstd_is_read() {
        let text = b"a,b\n1,2\n".repeat(50);
        let packed = ruzstd::encoding::compress_to_vec(
            &text[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        assert_eq!(decompress(&packed, Compression::Zstd).unwrap(), text);
    }

    #[test]
    fn plain_bytes_under_gzip_are_an_error() {
        let e = decompress(b"not gzip", Compression::Gzip).unwrap_err();
        assert!(e.contains("GZIP"), "{e}");
    }
}
