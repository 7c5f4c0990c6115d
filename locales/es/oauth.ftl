# Las páginas donde una cooperativa deja actuar a una aplicación de Mastodon, en español.

oauth-title = Autorizar una aplicación
oauth-asks = La aplicación «{ $app }» pide actuar en nombre de tu cooperativa en { $node }.
oauth-it-may = Si inicias sesión y aceptas, podrá:
oauth-email = Correo electrónico
oauth-password = Contraseña
oauth-approve = Iniciar sesión y autorizar
oauth-deny = Rechazar
oauth-code-title = Código de autorización
oauth-code-paste = Copia este código y pégalo en { $app }:
oauth-code-expiry = Sirve una sola vez, dentro de los próximos diez minutos.
oauth-problem-title = Este enlace de inicio de sesión no funciona
oauth-problem-hint = Vuelve a la aplicación y empieza de nuevo; si sigue ocurriendo, avisa a quienes la hacen.
oauth-unknown-app = La aplicación no está registrada en este nodo.
oauth-bad-redirect = La aplicación envió una dirección de retorno que no registró.
oauth-bad-scope = La aplicación pide permisos que no registró:
oauth-bad-request = La solicitud de la aplicación no es válida:
oauth-wrong-password = Correo o contraseña incorrectos.
oauth-too-many = Demasiados intentos fallidos. Espera un poco y vuelve a intentarlo.
oauth-busy = El nodo está ocupado comprobando otros inicios de sesión. Vuelve a intentarlo en unos segundos.
oauth-denied-title = Sin autorización
oauth-denied = No permitiste que la aplicación actúe por tu cooperativa. Puedes cerrar esta página.

## What each permission lets an app do
scope-read = leer el perfil de tu cooperativa, sus seguimientos, líneas de tiempo, necesidades, ofertas y notificaciones
scope-write = publicar, editar y cerrar necesidades y ofertas, y cambiar el perfil de tu cooperativa
scope-follow = seguir y dejar de seguir cooperativas
scope-push = recibir notificaciones push
scope-profile = ver el nombre y el usuario de tu cooperativa
scope-admin-read = leer la configuración de federación del nodo (solo administración)
scope-admin-write = cambiar la configuración de federación del nodo (solo administración)
scope-other = el permiso «{ $scope }»
