//! The words of the OAuth pages, in English and Spanish.

use crate::edges::http::lang::Lang;

pub struct Texts {
    pub title: &'static str,
    pub asks_before: &'static str,
    pub asks_after: &'static str,
    pub it_may: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub approve: &'static str,
    pub deny: &'static str,
    pub code_title: &'static str,
    pub code_before: &'static str,
    pub code_after: &'static str,
    pub code_expiry: &'static str,
    pub problem_title: &'static str,
    pub problem_hint: &'static str,
    pub unknown_app: &'static str,
    pub bad_redirect: &'static str,
    pub bad_scope: &'static str,
    pub bad_request: &'static str,
    pub wrong_password: &'static str,
    pub too_many: &'static str,
    pub busy: &'static str,
    pub denied_title: &'static str,
    pub denied: &'static str,
}

const EN: Texts = Texts {
    title: "Authorize an app",
    asks_before: "The app",
    asks_after: "asks to act for your coop on",
    it_may: "If you sign in and agree, it will be able to:",
    email: "Email",
    password: "Password",
    approve: "Sign in and authorize",
    deny: "Deny",
    code_title: "Authorization code",
    code_before: "Copy this code and paste it into",
    code_after: ":",
    code_expiry: "It works once, within ten minutes.",
    problem_title: "This sign-in link does not work",
    problem_hint: "Go back to the app and start signing in again; if it keeps happening, tell the app's makers.",
    unknown_app: "The app is not registered on this node.",
    bad_redirect: "The app sent a return address it did not register.",
    bad_scope: "The app asks for permissions it did not register:",
    bad_request: "The app's request is not valid:",
    wrong_password: "Wrong email or password.",
    too_many: "Too many failed sign-ins. Wait a little and try again.",
    busy: "The node is busy checking other sign-ins. Try again in a few seconds.",
    denied_title: "Not authorized",
    denied: "You did not let the app act for your coop. You can close this page.",
};

const ES: Texts = Texts {
    title: "Autorizar una aplicación",
    asks_before: "La aplicación",
    asks_after: "pide actuar en nombre de tu cooperativa en",
    it_may: "Si inicias sesión y aceptas, podrá:",
    email: "Correo electrónico",
    password: "Contraseña",
    approve: "Iniciar sesión y autorizar",
    deny: "Rechazar",
    code_title: "Código de autorización",
    code_before: "Copia este código y pégalo en",
    code_after: ":",
    code_expiry: "Sirve una sola vez, dentro de los próximos diez minutos.",
    problem_title: "Este enlace de inicio de sesión no funciona",
    problem_hint: "Vuelve a la aplicación y empieza de nuevo; si sigue ocurriendo, avisa a quienes la hacen.",
    unknown_app: "La aplicación no está registrada en este nodo.",
    bad_redirect: "La aplicación envió una dirección de retorno que no registró.",
    bad_scope: "La aplicación pide permisos que no registró:",
    bad_request: "La solicitud de la aplicación no es válida:",
    wrong_password: "Correo o contraseña incorrectos.",
    too_many: "Demasiados intentos fallidos. Espera un poco y vuelve a intentarlo.",
    busy: "El nodo está ocupado comprobando otros inicios de sesión. Vuelve a intentarlo en unos segundos.",
    denied_title: "Sin autorización",
    denied: "No permitiste que la aplicación actúe por tu cooperativa. Puedes cerrar esta página.",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Es => &ES,
    }
}

/// What a scope lets an app do, in words.
pub fn scope_in_words(scope: &str, lang: Lang) -> String {
    let (en, es) = match scope {
        "read" => (
            "read your coop's profile, follows, timelines, needs, offers and notifications",
            "leer el perfil de tu cooperativa, sus seguimientos, líneas de tiempo, necesidades, ofertas y notificaciones",
        ),
        "write" => (
            "publish, edit and close needs and offers, and change your coop's profile",
            "publicar, editar y cerrar necesidades y ofertas, y cambiar el perfil de tu cooperativa",
        ),
        "follow" => ("follow and unfollow coops", "seguir y dejar de seguir cooperativas"),
        "push" => ("receive push notifications", "recibir notificaciones push"),
        "profile" => (
            "see your coop's name and handle",
            "ver el nombre y el usuario de tu cooperativa",
        ),
        "admin:read" => (
            "read the node's federation settings (admins only)",
            "leer la configuración de federación del nodo (solo administración)",
        ),
        "admin:write" => (
            "change the node's federation settings (admins only)",
            "cambiar la configuración de federación del nodo (solo administración)",
        ),
        other => {
            return match lang {
                Lang::En => format!("the permission “{other}”"),
                Lang::Es => format!("el permiso «{other}»"),
            }
        }
    };
    match lang {
        Lang::En => en.to_string(),
        Lang::Es => es.to_string(),
    }
}
