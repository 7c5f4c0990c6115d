# La mesa de administración, en español.

ad-nav = Administración
ad-title = Administrar este nodo
ad-overview = Resumen
ad-nodes = Nodos
ad-domains = Bloqueos y permisos
ad-coops = Cooperativas
ad-log = Registro
ad-actions = Acciones
ad-more = Más

## Resumen
ad-policy = Federación
ad-mode = Con quién federa este nodo
ad-mode-open = Con todos menos los dominios bloqueados
ad-mode-allowlist = Solo con los dominios permitidos
ad-approval = Otros nodos que piden seguir a este
ad-approval-auto = Aceptar enseguida
ad-approval-manual = Aprobar cada uno a mano
ad-queue = Envíos en espera
ad-queue-waiting = { $count ->
    [one] 1 envío en espera,
   *[other] { $count } envíos en espera,
}
ad-queue-failing = { $count ->
    [one] 1 de ellos falló al menos una vez.
   *[other] { $count } de ellos fallaron al menos una vez.
}
ad-queue-empty = No hay nada en espera: salieron todos los envíos.
ad-host = Servidor
ad-waiting = En espera
ad-failing-since = Falla desde
ad-next-try = Próximo intento
ad-retry = Intentar ya

## Nodos
ad-follow-node = Seguir a otro nodo
ad-follow-node-hint = Su dominio, como coops.example. Sus cooperativas y sus necesidades y ofertas abiertas llegan aquí cuando acepta.
ad-known-nodes = Nodos conocidos
ad-nodes-none = Todavía no se conoce ningún otro nodo.
ad-we-follow = Este nodo lo sigue
ad-follows-us = Sigue a este nodo
ad-rel-none = No
ad-rel-pending = Pedido, en espera
ad-rel-accepted = Sí
ad-backfill = Carga inicial
ad-blocked = Bloqueado
ad-allowed = Permitido
ad-yes = Sí
ad-remove-follower = Quitar como seguidor

## Bloqueos y permisos
ad-mode-now-open = Este nodo federa con todos menos los dominios bloqueados.
ad-mode-now-allowlist = Este nodo federa solo con los dominios permitidos (y de ellos, no con los bloqueados).
ad-blocks = Dominios bloqueados
ad-blocks-none = No hay ningún dominio bloqueado.
ad-domain = Dominio
ad-severity = Gravedad
ad-severity-suspend = Suspender: nada de él, nada hacia él
ad-severity-limit = Limitar: fuera del directorio y de las coincidencias
ad-comment = Comentario público
ad-since = Desde
ad-unblock = Desbloquear
ad-export = Descargar los bloqueos (CSV de Mastodon)
ad-block-add = Bloquear un dominio
ad-block = Bloquear
ad-import = Importar una lista de bloqueos
ad-import-label = Lista de bloqueos
ad-import-hint = Pega la exportación CSV de Mastodon (#domain,#severity,…) o un dominio por línea. Los dominios ya bloqueados conservan su bloqueo; una fila errónea rechaza toda la lista.
ad-import-button = Importar
ad-upload-label = O envía un archivo
ad-upload-hint = Una lista de bloqueos descargada de Mastodon (domain_blocks.csv) o de otro nodo, de hasta 2 MiB.
ad-upload-button = Importar el archivo
ad-imported = Importado: { $added } añadidos, { $unchanged } ya bloqueados, { $noop } sin nada que aplicar.
ad-allows = Dominios permitidos
ad-allows-none = No hay ningún dominio en la lista de permitidos.
ad-allow-label = Permitir un dominio
ad-allow = Permitir
ad-disallow = Quitar

## Cooperativas
ad-coop-new = Crear una cooperativa
ad-coop-handle = Nombre de usuaria
ad-coop-handle-hint = Su dirección aquí: minúsculas, cifras y _, como fiqus.
ad-coop-email = Correo de su primera socia
ad-coop-password = Contraseña
ad-coop-password-hint = Al menos 8 caracteres. Dásela a la cooperativa para que inicie sesión.
ad-coop-create = Crear la cooperativa
ad-coops-here = Cooperativas de este nodo
ad-coop-delete = Borrar…
ad-coop-confirm = Escribe { $handle } para borrarla para siempre (se avisa a los otros servidores)
ad-coop-delete-button = Borrar la cooperativa

## Registro
ad-log-none = Todavía no hay nada registrado.
ad-when = Cuándo
ad-who = Quién
ad-what = Qué
ad-target = Sobre
ad-detail = Detalle

## Ajustes
ad-settings = Ajustes
ad-settings-lead = Ajustes que se aplican al momento, sin reiniciar. El archivo de configuración da sus primeros valores; una vez guardados aquí, mandan estos. Cada cambio queda en el registro.
ad-settings-public = Lo que ve la gente
ad-about = Sobre este nodo
ad-about-hint = Texto simple, hasta 1000 caracteres: en la portada, para las aplicaciones de Mastodon y en NodeInfo.
ad-about-language = Idioma de ese texto
ad-about-language-hint = Un código como en, es o pt-BR.
ad-contact-email = Correo para contactar a la administración del nodo
ad-settings-federation = Federación
ad-authorized-fetch = Obtención autorizada
ad-authorized-fetch-hint = Los documentos solo se entregan a servidores que firman sus pedidos, y nunca a dominios bloqueados.
ad-home-posts-days = Días que quedan otras publicaciones en las líneas de inicio
ad-home-posts-days-hint = Publicaciones de cuentas seguidas que no son necesidades ni ofertas: de 1 a 365 días.
ad-settings-apps = Aplicaciones de Mastodon
ad-password-grant = Permitir la concesión por contraseña
ad-password-grant-hint = Algunas aplicaciones antiguas inician sesión enviando la contraseña ellas mismas; sin esto deben usar la página de inicio de sesión.
ad-gatherings = Encuentros
ad-gathering-plan = Organizar un encuentro del nodo
ad-gathering-lead = Lo organiza el nodo: su actor lo anuncia a los nodos que siguen a este y responde a las inscripciones de otros servidores. Nombra las cooperativas de este nodo que lo facilitan y toman sus notas.
ad-gathering-roles-hint = Nombres de usuario de cooperativas de este nodo, separados por comas. Nombra al menos una cooperativa facilitadora; toma las notas la primera, salvo que nombres otra.
