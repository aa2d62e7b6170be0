//! Turns a received report file into JSON bytes: gzip is recognised by its
//! magic bytes (`1f 8b`) and inflated with a hard cap on the output, so a
//! decompression bomb stops as soon as it passes
//! [`ReportLimits::max_json_size`]; memory stays within that cap.

use alloc::borrow::Cow;
use alloc::string::ToString;
use alloc::vec::Vec;
use std::io::Read;

use super::limits::{ReportError, ReportLimits};

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// The JSON of a received report file: gzip is inflated (concatenated gzip
/// members too), anything else is returned as it is. The input and the
/// output are both bounded by [`ReportLimits::max_json_size`].
pub fn decompress_report<'a>(
    data: &'a [u8],
    limits: &ReportLimits,
) -> Result<Cow<'a, [u8]>, ReportError> {
    let cap = limits.max_json_size;
    if data.len() > cap {
        return Err(ReportError::TooLarge { limit: cap });
    }
    if !data.starts_with(GZIP_MAGIC) {
        return Ok(Cow::Borrowed(data));
    }
    let decoder = flate2::read::MultiGzDecoder::new(data);
    let mut out = Vec::new();
    let probe = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    decoder
        .take(probe)
        .read_to_end(&mut out)
        .map_err(|e| ReportError::Gzip(e.to_string()))?;
    if out.len() > cap {
        return Err(ReportError::TooLarge { limit: cap });
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn plain_and_gzip() {
        let limits = ReportLimits::default();
        assert_eq!(&*decompress_report(b"{}", &limits).unwrap(), b"{}");
        assert_eq!(&*decompress_report(&gzip(b"{}"), &limits).unwrap(), b"{}");
        let mut two = gzip(b"{");
        two.extend(gzip(b"}"));
        assert_eq!(&*decompress_report(&two, &limits).unwrap(), b"{}");
    }

    #[test]
    fn caps() {
        let limits = ReportLimits {
            max_json_size: 40,
            ..ReportLimits::default()
        };
        assert_eq!(
            decompress_report(&gzip(&[b' '; 41]), &limits),
            Err(ReportError::TooLarge { limit: 40 })
        );
        assert!(decompress_report(&gzip(&[b' '; 40]), &limits).is_ok());
        assert_eq!(
            decompress_report(&[b' '; 41], &limits),
            Err(ReportError::TooLarge { limit: 40 })
        );
        let mut bad = gzip(b"{}");
        bad.truncate(bad.len() - 4);
        assert!(matches!(
            decompress_report(&bad, &ReportLimits::default()),
            Err(ReportError::Gzip(_))
        ));
    }
}
