//! Which files may be attached to an agenda item, decided by their content and not only by their
//! name: PDF, Office and OpenDocument files, images and plain text. The content's type is what the
//! service stores and serves; a name that claims another type is refused.

/// A type of file the service accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileType {
    /// The media type the file is served with.
    pub media_type: &'static str,
    /// For people: what the file is.
    pub label: &'static str,
    /// The extensions a name of such a file may end in, lower case.
    pub extensions: &'static [&'static str],
}

const ACCEPTED: &[FileType] = &[
    FileType { media_type: "application/pdf", label: "a PDF document", extensions: &["pdf"] },
    FileType {
        media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        label: "a Word document",
        extensions: &["docx"],
    },
    FileType {
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        label: "an Excel workbook",
        extensions: &["xlsx"],
    },
    FileType {
        media_type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        label: "a PowerPoint presentation",
        extensions: &["pptx"],
    },
    FileType { media_type: "application/msword", label: "a Word 97-2003 document", extensions: &["doc"] },
    FileType { media_type: "application/vnd.ms-excel", label: "an Excel 97-2003 workbook", extensions: &["xls"] },
    FileType {
        media_type: "application/vnd.ms-powerpoint",
        label: "a PowerPoint 97-2003 presentation",
        extensions: &["ppt"],
    },
    FileType {
        media_type: "application/vnd.oasis.opendocument.text",
        label: "an OpenDocument text",
        extensions: &["odt"],
    },
    FileType {
        media_type: "application/vnd.oasis.opendocument.spreadsheet",
        label: "an OpenDocument spreadsheet",
        extensions: &["ods"],
    },
    FileType {
        media_type: "application/vnd.oasis.opendocument.presentation",
        label: "an OpenDocument presentation",
        extensions: &["odp"],
    },
    FileType { media_type: "image/png", label: "a PNG image", extensions: &["png"] },
    FileType { media_type: "image/jpeg", label: "a JPEG image", extensions: &["jpg", "jpeg"] },
    FileType { media_type: "image/gif", label: "a GIF image", extensions: &["gif"] },
    FileType { media_type: "image/webp", label: "a WebP image", extensions: &["webp"] },
    FileType { media_type: "image/tiff", label: "a TIFF image", extensions: &["tif", "tiff"] },
];

const TEXT: FileType =
    FileType { media_type: "text/plain; charset=utf-8", label: "a text file", extensions: &["txt", "md"] };
const CSV: FileType = FileType { media_type: "text/csv; charset=utf-8", label: "a CSV file", extensions: &["csv"] };

/// Every media type an attachment can be served with.
pub fn media_types() -> impl Iterator<Item = &'static str> {
    ACCEPTED.iter().chain([&TEXT, &CSV]).map(|kind| kind.media_type)
}

/// Why a file is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRefusal {
    Empty,
    /// The content is none of the accepted types.
    Unsupported,
    /// The content is of one type, the name says another.
    NameMismatch {
        content: &'static str,
        extensions: &'static [&'static str],
    },
}

impl FileRefusal {
    pub fn message(&self) -> String {
        match self {
            FileRefusal::Empty => "the file is empty".into(),
            FileRefusal::Unsupported => {
                "the content is not a PDF, Word, Excel, PowerPoint or OpenDocument file, an image (PNG, JPEG, GIF, \
                 WebP, TIFF) or UTF-8 text"
                    .into()
            }
            FileRefusal::NameMismatch { content, extensions } => {
                format!("the content is {content}: the name must end in .{}", extensions.join(" or ."))
            }
        }
    }
}

/// UTF-8 text without control characters other than tab, line breaks and form feed.
fn is_text(content: &[u8]) -> bool {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    std::str::from_utf8(content)
        .is_ok_and(|text| text.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}')))
}

fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase())
}

/// The type of a file from its content, checked against its name.
pub fn classify(content: &[u8], name: &str) -> Result<FileType, FileRefusal> {
    if content.is_empty() {
        return Err(FileRefusal::Empty);
    }
    let extension = extension(name);
    let found = match infer::get(content) {
        Some(kind) => *ACCEPTED.iter().find(|t| t.media_type == kind.mime_type()).ok_or(FileRefusal::Unsupported)?,
        None if is_text(content) => {
            if extension.as_deref() == Some("csv") {
                CSV
            } else {
                TEXT
            }
        }
        None => return Err(FileRefusal::Unsupported),
    };
    match extension {
        Some(ext) if found.extensions.contains(&ext.as_str()) => Ok(found),
        _ => Err(FileRefusal::NameMismatch { content: found.label, extensions: found.extensions }),
    }
}

/// A file name as it is kept and offered for download: the last component of what the client sent,
/// without control characters, at most 255 characters; `None` if nothing is left.
pub fn clean_filename(sent: &str) -> Option<String> {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or(sent);
    let clean: String = last.chars().filter(|c| !c.is_control()).take(255).collect();
    let clean = clean.trim().to_owned();
    (!clean.is_empty() && clean != "." && clean != "..").then_some(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    #[test]
    fn the_content_decides_and_the_name_must_agree() {
        assert_eq!(classify(PDF, "Opgaveinitieringsdokument.pdf").unwrap().media_type, "application/pdf");
        assert_eq!(classify(PDF, "BESPARELSE.PDF").unwrap().media_type, "application/pdf");
        assert_eq!(classify(PNG, "organisation.png").unwrap().media_type, "image/png");
        let mismatch = classify(PNG, "notat.pdf").unwrap_err();
        assert_eq!(mismatch.message(), "the content is a PNG image: the name must end in .png");
        assert!(matches!(classify(PDF, "uden endelse"), Err(FileRefusal::NameMismatch { .. })));
    }

    #[test]
    fn text_is_utf8_without_control_characters() {
        assert_eq!(classify("Årsskrift 2021\r\n".as_bytes(), "notat.txt").unwrap().media_type, TEXT.media_type);
        assert_eq!(classify(b"enhed;beloeb\nJobcentret;27678\n", "fordeling.csv").unwrap(), CSV);
        assert_eq!(classify(b"\x1b[31mterminal\x1b[0m", "x.txt"), Err(FileRefusal::Unsupported));
        assert_eq!(classify(b"\xff\xfe\x00\x01", "x.txt"), Err(FileRefusal::Unsupported));
        assert_eq!(classify(b"", "x.txt"), Err(FileRefusal::Empty));
    }

    #[test]
    fn executables_and_archives_are_refused_whatever_their_name() {
        assert_eq!(classify(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff", "bilag.pdf"), Err(FileRefusal::Unsupported));
        assert_eq!(classify(b"PK\x03\x04\x14\0\0\0\0\0", "bilag.zip"), Err(FileRefusal::Unsupported));
        assert_eq!(classify(b"<svg onload=alert(1)>\0", "x.svg"), Err(FileRefusal::Unsupported));
    }

    #[test]
    fn file_names_lose_their_directories_and_control_characters() {
        assert_eq!(clean_filename("C:\\Users\\sek\\Bilag 1.pdf").as_deref(), Some("Bilag 1.pdf"));
        assert_eq!(clean_filename("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_filename("navn\r\nmed.pdf").as_deref(), Some("navnmed.pdf"));
        assert_eq!(clean_filename("dir/"), None);
        assert_eq!(clean_filename(".."), None);
    }
}
