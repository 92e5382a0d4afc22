//! What people read and subscribe to: published agendas and minutes as HTML and Markdown, and
//! meetings as iCalendar feeds. Plain functions of the data they are given; which data a reader may
//! be given is decided before (see `domain::document`).

pub mod calendar;
pub mod danish;
pub mod document;
pub mod report;
