# Las páginas web de Intercoop, en español. Claves agrupadas por página.

## Todas las páginas
skip-to-content = Ir al contenido
nav-home = Inicio
nav-coops = Cooperativas
language = Idioma
footer-software = Funciona con Intercoop { $version }, software libre (AGPL-3.0).
footer-api = API para desarrolladores
page-not-found = No encontrado
page-problem = Algo salió mal
page-problem-text = No se pudo mostrar la página ahora. Prueba de nuevo en un momento.
page-not-found-text = No hay nada en esta dirección.

## La portada
landing-title = { $node }: cooperativas que ayudan a cooperativas
landing-lead = Un nodo de Intercoop: las cooperativas publican la ayuda que necesitan y la que ofrecen, y se encuentran entre nodos.
node-contact = Administración del nodo:
stat-coops = { $count ->
    [one] cooperativa aquí
   *[other] cooperativas aquí
}
stat-open = { $count ->
    [one] necesidad u oferta abierta
   *[other] necesidades y ofertas abiertas
}
coops-here = Cooperativas de este nodo
newest = Últimas necesidades y ofertas
newest-none = Todavía no se ha publicado nada.
coops-none = Todavía no hay cooperativas aquí.
feed = Canal de estas necesidades y ofertas (Atom)
from-elsewhere = desde { $host }

## Necesidades y ofertas
kind-need = Necesidad
kind-offer = Oferta
category-financial = Financiera
category-human = Humana
category-technical = Técnica
category-knowledge = Conocimiento
category-work = Oportunidad de trabajo
published-on = Publicada el { $date }
facts = Detalles
fact-category = Categoría
fact-quantity = Cantidad
fact-place = Lugar
fact-remote = A distancia
fact-remote-yes = Se puede hacer a distancia
fact-deadline = Hasta
fact-tags = Etiquetas
proposal-closed = Esta necesidad u oferta está cerrada.

## La página de una cooperativa
coop-needs-offers = Necesidades y ofertas
coop-none = No hay necesidades ni ofertas abiertas.
coop-facts = Sobre la cooperativa
coop-followers = { $count ->
    [one] { $count } seguidora
   *[other] { $count } seguidoras
}
coop-follow-hint = Síguela desde Mastodon u otro nodo de Intercoop:
avatar-of = Imagen de { $coop }

## Meses, para las fechas
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
date = { $day } de { $month } de { $year }
date-time = { $date }, { $time } UTC
date-time-wall = { $date }, { $time }

## Datos del perfil
field-website = Sitio web
field-location = Ubicación
field-languages = Idiomas
field-sectors = Sectores
field-legal-form = Forma jurídica
field-members = Personas socias
field-founded = Fundada en
field-stage = Etapa
field-networks = Redes
field-contact = Contacto

## El directorio
nav-directory = Directorio
directory-title = Necesidades y ofertas
directory-refused = No se buscó nada: hay que corregir un filtro.
directory-none = Nada coincide con estos filtros.
directory-shown = { $first }–{ $last } de { $total }
filter-text = Palabras del título
filter-kind = Necesidad u oferta
filter-any = Cualquiera
filter-tag = Etiqueta
filter-country = País (código, p. ej. AR)
filter-language = Idioma (p. ej. es)
filter-node = Nodo (p. ej. coops.example)
filter-search = Buscar
pages = Páginas
page-prev = Más recientes
page-next = Anteriores
coops-title = Cooperativas
coops-found-none = Ninguna cooperativa coincide con estos filtros.
coops-here-short = aquí
filter-name = Palabras del nombre

## Iniciar sesión
nav-workspace = Tu espacio de trabajo
nav-admin = Administración
sign-in = Iniciar sesión
sign-out = Cerrar sesión
sign-in-lead = Inicia sesión con el correo y la contraseña de la cuenta de tu cooperativa.
sign-in-email = Correo electrónico
sign-in-password = Contraseña
sign-in-wrong = Correo o contraseña incorrectos.
sign-in-wait = Demasiados intentos fallidos. Prueba de nuevo en { $seconds } segundos.
page-refused = No permitido
page-not-done = No se pudo hacer

## El mapa de la red
map-title = La red
map-lead = Las cooperativas que conoce este nodo, agrupadas por nodo, y cómo se relacionan. Señala una cooperativa o llega a ella con Tab para ver su nombre y sus vínculos.
map-tie-follow = sigue
map-tie-match = coincidencia fuerte
map-tie-introduction = presentadas
map-skip = Saltar el mapa
map-caption = { $coops } cooperativas en { $nodes } nodos, { $ties } vínculos.
map-cut = Solo se dibujan las primeras cooperativas; el directorio las lista todas.
map-coop = { $name }, en { $node }: { $ties } vínculos
map-as-table = El mapa en tablas
map-nodes = Nodos y sus cooperativas
map-node = Nodo
map-ties = Vínculos entre cooperativas
map-coop-col = Cooperativa
map-tie-col = Vínculo

## Por qué hay coincidencia (la otra cooperativa es "ellas")
list-and = y
reason-they-offer = ofrecen { $words }
reason-they-need = necesitan { $words }
reason-they-offer-in = ofrecen { $words } en { $language }
reason-they-need-in = necesitan { $words } en { $language }
reason-same-meaning = su «{ $theirs }» significa tu «{ $ours }»
reason-tags = ambas etiquetadas { $tags }
reason-place = ambas en { $place }
reason-remote-both = ambas pueden trabajar a distancia
reason-remote-they = pueden trabajar a distancia
reason-country = ambas con sede en { $country }
reason-languages = ambas trabajan en { $languages }
reason-deadline = { $days ->
    [0] su plazo vence hoy
    [1] su plazo vence mañana
   *[other] su plazo vence en { $days } días
}
reason-fresh = publicada esta semana
reason-you-also-offer = también ofreces lo que necesitan: «{ $title }»
reason-they-also-offer = también ofrecen lo que necesitas: «{ $title }»
reason-pairing-start = son una cooperativa en formación y la tuya está establecida
reason-pairing-established = son una cooperativa establecida y la tuya está en formación
reason-other-category = clasificada como “{ $category }”, pero trata de lo mismo
reason-they-ask = piden a cambio: { $terms }
reason-they-give = dan a cambio: { $terms }
language-name-en = inglés
language-name-es = español
language-name-pt = portugués
language-name-fr = francés
language-name-ca = catalán
language-name-it = italiano
language-name-de = alemán

## Datos rechazados (los mensajes de los servicios, dichos otra vez)
msg-empty = no puede estar vacío
msg-at-most-chars = debe tener como máximo { $max } caracteres
msg-chars-between = debe tener entre { $min } y { $max } caracteres
msg-chars-up-to = debe tener de 1 a { $max } caracteres
msg-entries-at-most-chars = cada elemento debe tener como máximo { $max } caracteres
msg-visible = debe contener caracteres visibles
msg-control = no puede contener caracteres de control
msg-bidi = no puede contener caracteres que inviertan la dirección del texto
msg-unstorable = contiene caracteres que no se pueden guardar
msg-past = no puede ser una fecha pasada
msg-between = debe estar entre { $min } y { $max }
msg-at-most-entries = puede tener como máximo { $max } elementos
msg-empty-entries = no puede tener elementos vacíos
msg-handle-chars = solo puede contener a-z, 0-9 y '_'
msg-email = no es una dirección de correo válida
msg-url = debe ser una URL http o https
msg-country = debe ser un código ISO 3166-1 de dos letras, como AR o GB
msg-language-tag = debe ser un código de idioma como es, en o pt-BR
msg-decimal = debe ser un número decimal positivo, como 1.5
msg-whole-days = debe ser un número entero de días
msg-page-language = debe ser inglés o español
msg-handle-at-domain = debe tener la forma usuario@dominio
msg-wrong-password = no es la contraseña de la cuenta
msg-this-node = es este mismo nodo
msg-block-self = bloquearía a este mismo nodo
msg-exists = ya existe
msg-introduction-message = una presentación necesita un mensaje
msg-not-text = no es texto (UTF-8)
msg-no-file = elige un archivo para enviar
