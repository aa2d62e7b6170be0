//! Turns a received report file into XML: gzip and zip are recognised by
//! their magic bytes and inflated with a hard cap on the output, so a
//! decompression bomb stops as soon as it passes
//! [`ReportLimits::max_xml_size`].

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use std::io::{Cursor, Read};

use super::limits::{ReportError, ReportLimits};

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The XML of a received report file: gzip (`1f 8b`) and zip
/// (`PK\x03\x04`) are inflated, anything else is returned as it is. The
/// input and the output are both bounded by [`ReportLimits::max_xml_size`].
///
/// From a zip archive the first file entry whose name ends in `.xml` is read,
/// else the only file entry; at most [`ReportLimits::max_zip_entries`]
/// entries are looked at. An encrypted entry is refused, and an entry's
/// declared size is checked before reading and its actual output capped while
/// reading (declared sizes can lie).
pub fn decompress_report<'a>(
    data: &'a [u8],
    limits: &ReportLimits,
) -> Result<Cow<'a, [u8]>, ReportError> {
    let cap = limits.max_xml_size;
    if data.len() > cap {
        return Err(ReportError::TooLarge { limit: cap });
    }
    if data.starts_with(GZIP_MAGIC) {
        let decoder = flate2::read::MultiGzDecoder::new(data);
        read_capped(decoder, cap, |e| ReportError::Gzip(e.to_string())).map(Cow::Owned)
    } else if data.starts_with(ZIP_MAGIC) {
        unzip(data, limits).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(data))
    }
}

/// Reads at most `cap` bytes; one more is an error.
fn read_capped(
    reader: impl Read,
    cap: usize,
    error: impl Fn(std::io::Error) -> ReportError,
) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    let probe = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(probe).read_to_end(&mut out).map_err(error)?;
    if out.len() > cap {
        return Err(ReportError::TooLarge { limit: cap });
    }
    Ok(out)
}

fn unzip(data: &[u8], limits: &ReportLimits) -> Result<Vec<u8>, ReportError> {
    let zip_error = |e: zip::result::ZipError| ReportError::Zip(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(data)).map_err(zip_error)?;
    let entries = archive.len();
    let mut chosen = None;
    let mut files = 0usize;
    let mut first_file = None;
    for index in 0..entries.min(limits.max_zip_entries) {
        let entry = archive.by_index_raw(index).map_err(zip_error)?;
        if !entry.is_file() {
            continue;
        }
        files = files.saturating_add(1);
        first_file.get_or_insert(index);
        let xml = entry
            .name()
            .is_ok_and(|name| name.to_ascii_lowercase().ends_with(".xml"));
        if xml {
            chosen = Some(index);
            break;
        }
    }
    let index = match chosen {
        Some(index) => index,
        None if entries > limits.max_zip_entries => {
            return Err(ReportError::ZipTooManyEntries {
                limit: limits.max_zip_entries,
            });
        }
        None if files == 1 => first_file.ok_or(ReportError::ZipEmpty)?,
        None => return Err(ReportError::ZipEmpty),
    };
    let cap = limits.max_xml_size;
    {
        let entry = archive.by_index_raw(index).map_err(zip_error)?;
        if entry.encrypted() {
            let name = entry
                .name()
                .map(|n| n.chars().take(256).collect())
                .unwrap_or_else(|_| String::new());
            return Err(ReportError::ZipEncrypted { name });
        }
        if entry.size() > u64::try_from(cap).unwrap_or(u64::MAX) {
            return Err(ReportError::TooLarge { limit: cap });
        }
    }
    let entry = archive.by_index(index).map_err(zip_error)?;
    read_capped(entry, cap, |e| ReportError::Zip(e.to_string()))
}
