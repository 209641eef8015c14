import pytest
from tests.browser.test_reporting import phone  # noqa: F401
pytestmark = pytest.mark.browser

def test_dbg(phone, login_as):
    login_as(phone, "rapportor-eidar-1")
    phone.goto("/report")
    phone.wait_for_timeout(1500)
    print(phone.evaluate("""() => { const el = document.querySelector('#place-map');
      const c = el.querySelector('canvas'); const svg = el.querySelector('svg');
      return {w: el.clientWidth, h: el.clientHeight, canvas: c ? [c.width, c.height, c.style.width, c.style.transform] : null,
              svg: svg ? [svg.getAttribute('width'), svg.getAttribute('height')] : null, dpr: window.devicePixelRatio}; }"""))
