# El espacio de trabajo de una cooperativa, en español.

## Todas las páginas del espacio
ws-nav = Espacio de trabajo
ws-overview = Resumen
ws-matches = Coincidencias
ws-introductions = Presentaciones
ws-follows = Seguimientos
ws-profile = Perfil
ws-public-page = Ver la página pública
ws-choose = Elige…
ws-save = Guardar
ws-preview = Vista previa
ws-saved = Guardado.
ws-form-fix = No se guardó nada: hay que corregir un campo (ver abajo).
ws-markdown-hint = Markdown: *cursiva*, **negrita**, [enlaces](https://ejemplo.coop), listas.
ws-closed = Cerrada

## Resumen
ws-waiting = Esperan tu respuesta
ws-to-answer = { $count ->
    [one] 1 presentación por responder
   *[other] { $count } presentaciones por responder
}
ws-requests = { $count ->
    [one] 1 solicitud de seguimiento
   *[other] { $count } solicitudes de seguimiento
}
ws-own = Tus necesidades y ofertas
ws-own-none = Tu cooperativa todavía no ha publicado nada.
ws-publish = Publicar una necesidad u oferta
ws-best-matches = Mejores coincidencias
ws-all-matches = Todas las coincidencias
ws-matches-none = Todavía no hay coincidencias: aparecen a medida que publican las cooperativas de aquí y de los nodos que este sigue.
ws-matches-later = Se están calculando las coincidencias; vuelve a mirar en un momento.
ws-matches-total = { $count ->
    [one] 1 coincidencia con tus necesidades y ofertas.
   *[other] { $count } coincidencias con tus necesidades y ofertas.
}
ws-match-score = Puntuación { $percent } %
ws-match-answers = Responde a tu «{ $title }»

## Círculos solidarios
ws-circles = Círculos solidarios
ws-circles-lead = Anillos de tres o cuatro cooperativas en los que cada una ofrece lo que la siguiente necesita, para que la ayuda circule aunque ninguna pareja se responda directamente. La puntuación es la del eslabón más débil.
ws-circles-none = Todavía no hay círculos: aparecen cuando cooperativas de este nodo y de los que sigue necesitan y ofrecen cosas por turnos.
ws-circle-heading = Un círculo de { $count } cooperativas
ws-circle-you = Tu cooperativa
ws-circle-you-to = tu cooperativa
ws-circle-offers = ofrece
ws-circle-to = a
ws-circle-for = para su necesidad

## Una necesidad u oferta
ws-kind = Necesidad u oferta
ws-title = Título
ws-description = Descripción
ws-tags-hint = Palabras separadas por comas, como hosting, diseño.
ws-quantity-value = Cuánto (opcional)
ws-quantity-unit = Unidad, como hora o EUR
ws-publish-button = Publicar
ws-close = Cerrarla
ws-reopen = Volver a abrirla
ws-closed-note = Cerrada: no se muestra a otras ni entra en coincidencias.
ws-its-matches = Sus coincidencias
ws-edit = Editarla

## Presentaciones
ws-ask-introduction = Pedir una presentación
ws-ask-lead = Pedir a { $coop } que compartan contactos sobre «{ $title }».
ws-ask-hint = Si aceptan, cada cooperativa ve los datos de contacto privados de la otra.
ws-ask-message = De qué te gustaría hablar
ws-ask-send = Enviar la solicitud
ws-received = Recibidas
ws-received-none = Ninguna cooperativa te lo ha pedido todavía.
ws-sent = Enviadas
ws-sent-none = Todavía no se lo has pedido a ninguna cooperativa.
ws-contacts = Contactos
ws-accept = Aceptar
ws-decline = Rechazar
ws-accept-hint = Al aceptar compartes con ellas los datos de contacto privados de tu cooperativa.
intro-pending = Esperando respuesta
intro-accepted = Aceptada
intro-declined = Rechazada

## Notificaciones
ws-notifications = Notificaciones
ws-notifications-none = Nada nuevo.
ws-clear-all = Descartar todas
ws-dismiss = Descartar
notice-follow = { $who } sigue a tu cooperativa
notice-follow_request = { $who } pide seguir a tu cooperativa
notice-match = Nueva coincidencia: { $who }
notice-introduction_request = { $who } pide una presentación
notice-introduction_proposed = La facilitación de un encuentro propone presentar tu cooperativa a { $who }
notice-introduction_answer = { $who } respondió a tu presentación

## Seguimientos
ws-follow-label = Seguir a una cooperativa de otro nodo
ws-follow-hint = Su dirección, como tech@coops.example.
ws-follow = Seguir
ws-follow-requests = Piden seguirte
ws-approve = Aprobar
ws-reject = Rechazar
ws-following = Cooperativas que sigues
ws-following-none = Todavía no sigues a ninguna cooperativa.
ws-follow-pending = esperando aprobación
ws-unfollow = Dejar de seguir
ws-withdraw = Retirar la solicitud
ws-followers = Quienes te siguen
ws-followers-none = Nadie sigue a tu cooperativa todavía.

## Perfil
profile-group-coop = Sobre la cooperativa
profile-group-public = Contacto público
profile-group-public-hint = Se muestra a todo el mundo en la página de tu cooperativa.
profile-group-private = Contacto privado
profile-group-private-hint = Solo lo ven las cooperativas cuya presentación aceptas, o que aceptan la tuya.
profile-display_name = Nombre
profile-website = Sitio web
profile-website-hint = Una dirección que empiece por https://
profile-country = País
profile-country-hint = Dos letras, como AR o ES.
profile-city = Ciudad
profile-languages = Idiomas
profile-languages-hint = Códigos separados por comas, como es, en.
profile-sectors = Sectores
profile-sectors-hint = Palabras separadas por comas, como hosting, diseño.
profile-legal_form = Forma jurídica
profile-member_count = Socias
profile-founded_year = Año de fundación
profile-networks = Redes
profile-networks-hint = Redes a las que pertenece tu cooperativa, separadas por comas, como FACTTIC, CoTech.
profile-stage = Etapa
profile-stage-start-coop = Empezando
profile-stage-established = Consolidada
profile-about = Sobre nosotras
profile-approve-followers = Aprobar a mano a cada seguidora
profile-contact-email = Correo electrónico
profile-contact-phone = Teléfono
profile-contact-chat = Chat (Matrix, XMPP, Signal…)
profile-contact-person = Persona de contacto

## Sesiones y aplicaciones
account-sessions = Sesiones y aplicaciones
account-sessions-lead = Dónde está abierta tu cuenta y qué aplicaciones de Mastodon autorizó. Revoca lo que no reconozcas y después cambia la contraseña.
account-signed-in = Sesiones abiertas
account-sign-in-web = Un navegador
account-sign-in-api = Un token de la API
account-this-browser = Este navegador
account-agent = Navegador o programa
account-agent-unknown = Desconocido
account-signed-in-at = Inicio de sesión
account-last-used = Último uso (con una hora de margen)
account-expires = Termina
account-revoke = Revocar
account-revoke-own = Cerrar sesión aquí
account-apps = Aplicaciones autorizadas
account-apps-none = No se autorizó ninguna aplicación.
account-authorised-at = Autorizada
account-scopes = Permisos
account-revoke-app = Revocar su acceso

## Tu cuenta
account = Tu cuenta
account-nav = Tu cuenta
account-lead = Sesión iniciada como { $email }.
account-language = Idioma
account-language-label = Idioma de las páginas
account-language-hint = Se usa cada vez que inicias sesión; el selector de arriba lo sigue cambiando para este navegador.
account-language-browser = El idioma del navegador
account-time-zone = Zona horaria
account-time-zone-label = Tu zona horaria
account-time-zone-hint = Su nombre, p. ej. Europe/Madrid o America/Argentina/Buenos_Aires. Los encuentros muestran entonces también sus horas en ella, en este navegador y donde inicies sesión. Déjala vacía para verlas solo en la zona del encuentro y en UTC.
account-password = Contraseña
account-password-hint = Al menos 8 caracteres. Cambiarla cierra la sesión de tu cuenta en todos los demás lugares: otros navegadores, tokens de la API y aplicaciones de Mastodon.
account-password-current = Contraseña actual
account-password-new = Contraseña nueva
account-password-confirm = Contraseña nueva otra vez
account-password-change = Cambiar la contraseña
account-password-mismatch = Las dos contraseñas nuevas no coinciden.
account-password-changed = { $count ->
    [0] Contraseña cambiada.
    [one] Contraseña cambiada; se cerró 1 sesión más.
   *[other] Contraseña cambiada; se cerraron { $count } sesiones más.
}
