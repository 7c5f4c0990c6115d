//! A refused form shown again: the problem next to its field (or above
//! the form when it is about the whole of it), with the status the API
//! would give.

use axum::http::StatusCode;

use crate::edges::http::error::HttpError;
use crate::services::ServiceError;

/// Why a form was not done.
#[derive(Debug, Clone, Default)]
pub struct FormError {
    /// The field at fault as the services name it (`title`,
    /// `quantity.unit` ...); empty for the form as a whole.
    pub field: String,
    pub message: String,
}

impl FormError {
    pub fn on(field: &str, message: impl Into<String>) -> FormError {
        FormError {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// The message when it is about `field`.
    pub fn at(&self, field: &str) -> Option<&str> {
        (self.field == field).then_some(self.message.as_str())
    }

    /// The message when it is about no field the form shows.
    pub fn general(&self, shown: &[&str]) -> Option<&str> {
        (!shown.contains(&self.field.as_str())).then_some(self.message.as_str())
    }
}

/// A service's refusal as a form error with its status; what the person
/// cannot fix by changing the form (the database away, a fault, too many
/// attempts) stays an error page.
pub fn refused(e: ServiceError) -> Result<(StatusCode, FormError), HttpError> {
    if let ServiceError::Invalid(v) = &e {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            FormError::on(&v.field, v.message.clone()),
        ));
    }
    let http = HttpError::from(e);
    let fixable = http.status.is_client_error()
        && http.status != StatusCode::UNAUTHORIZED
        && http.status != StatusCode::TOO_MANY_REQUESTS;
    if fixable {
        Ok((http.status, FormError::on("", http.message)))
    } else {
        Err(http)
    }
}

/// The form error of one value the form itself could not read.
pub fn unreadable(field: &str, message: &str) -> (StatusCode, FormError) {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        FormError::on(field, message),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ValidationError;

    #[test]
    fn field_errors_stay_on_their_field_and_others_go_above() {
        let (status, e) =
            refused(ValidationError::new("title", "must not be empty").into()).unwrap_or_default();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.at("title"), Some("must not be empty"));
        assert_eq!(e.at("place"), None);
        assert_eq!(e.general(&["title"]), None);
        let (status, e) =
            refused(ServiceError::Conflict("already asked".into())).unwrap_or_default();
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(e.general(&["message"]), Some("already asked"));
        assert!(refused(ServiceError::Internal("boom".into())).is_err());
        assert!(refused(ServiceError::RateLimited {
            retry_after: std::time::Duration::from_secs(3)
        })
        .is_err());
    }
}
