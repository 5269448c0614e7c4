"""URLs: canonical forms for article identity, and which addresses a crawler may visit.

Pure functions: strings in, strings out; no network (host names are resolved in
``flows/fetch.py``, which hands the addresses to ``address_refusal``).
"""
from __future__ import annotations

import ipaddress
from urllib.parse import unquote, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": "80", "https": "443"}
# Query parameters that only say who sent the reader; they never change the page.
TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "vero_conv",
    "oly_anon_id", "oly_enc_id", "wt.mc_id", "wt_mc_id", "ns_campaign", "ns_mchannel",
    "ns_source", "ns_linkname", "ns_fee", "s_cid", "cmpid", "ref_src", "spm",
})
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")


def is_tracking_parameter(name: str) -> bool:
    """Whether a query parameter name (as written in the URL) is a tracking tag."""
    key = unquote(name).strip().lower()
    return key in TRACKING_PARAMETERS or key.startswith(TRACKING_PREFIXES)


def _canonical_query(query: str) -> str:
    """The query without tracking parameters, its pairs sorted; each pair kept exactly as
    written (no re-encoding), so that a URL without tracking tags keeps its bytes."""
    pairs = [pair for pair in query.split("&") if pair]
    kept = [pair for pair in pairs if not is_tracking_parameter(pair.split("=", 1)[0])]
    return "&".join(sorted(kept))


def _canonical_netloc(scheme: str, netloc: str) -> str:
    """Host lower-cased, a default port dropped; user information kept as written."""
    userinfo, _, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if hostport.startswith("["):  # an IPv6 literal: [::1]:8080
        end = hostport.find("]")
        host, rest = hostport[: end + 1], hostport[end + 1:]
        port = rest[1:] if rest.startswith(":") else ""
    elif ":" in hostport:
        host, port = hostport.rsplit(":", 1)
    host = host.lower().rstrip(".")
    if port == DEFAULT_PORTS.get(scheme) or port == "":
        hostport = host
    else:
        hostport = f"{host}:{port}"
    return f"{userinfo}@{hostport}" if userinfo else hostport


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL, used for article identity and de-duplication.

    Scheme and host lower-cased, default ports, the fragment and tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, ``mc_cid``…) dropped, the remaining query pairs sorted,
    an empty path made ``/``. The path keeps its case and its encoding. Anything that is not
    an http(s) URL (a file URI, say) is returned as given, stripped of surrounding blanks.
    """
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.netloc:
        return url
    netloc = _canonical_netloc(scheme, parts.netloc)
    return urlunsplit((scheme, netloc, parts.path or "/", _canonical_query(parts.query), ""))


def host_of(url: str) -> str:
    """The lower-case host name of a URL ('' when there is none)."""
    return (urlsplit(url).hostname or "").lower()


def address_refusal(address: str) -> str | None:
    """Why a crawler must not connect to this IP address, as "loopback address", "private
    address"… (None when it is a public one).

    Refused: loopback, private, link-local, multicast, reserved, unspecified and shared
    (carrier-grade NAT) addresses, also when written as IPv4-mapped IPv6.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone index
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, test in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    ):
        if test:
            return f"{kind} address"
    if not ip.is_global:
        return "non-public address"
    return None
