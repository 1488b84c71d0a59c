# Voila configuration for `python -m backchannels.app` (found through JUPYTER_CONFIG_PATH, set by backchannels.app.voila_env): the start page's
# lesson list and progress come from backchannels.start_page.
from backchannels.start_page import page_config_hook

c.VoilaConfiguration.page_config_hook = page_config_hook  # noqa: F821 - `c` is given by traitlets
