"""Config: the layered quantization configuration (docs/config.md)."""
import json

from . import capi
from ._util import Handle


class Config(Handle):
    """Configuration of a model quantization. Layers: defaults < profile < config JSON/file < environment <
    explicit settings (set()). Every effective value knows its source (source(key))."""

    __slots__ = ()

    def __init__(self, profile=None, json_text=None, **settings):
        """Config() holds the defaults; Config("edge"|"local"|"cloud") a profile; json_text merges a JSON object;
        keyword settings are explicit settings with dots written as "__" (thermodynamic__validation__enabled)."""
        if profile is not None:
            handle = capi.aq_config_from_profile(profile)
        else:
            handle = capi.aq_config_create()
        super().__init__(handle)
        try:
            if json_text is not None:
                self.merge_json(json_text)
            for key, value in settings.items():
                self.set(key.replace("__", "."), value)
        except BaseException:
            self.close()
            raise

    @classmethod
    def from_json(cls, text):
        cfg = cls.__new__(cls)
        Handle.__init__(cfg, capi.aq_config_from_json(text if isinstance(text, str) else json.dumps(text)))
        return cfg

    @classmethod
    def from_file(cls, path):
        cfg = cls()
        try:
            cfg.load_file(path)
        except BaseException:
            cfg.close()
            raise
        return cfg

    def clone(self):
        cfg = Config.__new__(Config)
        Handle.__init__(cfg, capi.aq_config_clone(self.handle))
        return cfg

    def merge_json(self, text):
        capi.aq_config_merge_json(self.handle, text if isinstance(text, str) else json.dumps(text))

    def load_file(self, path):
        capi.aq_config_load_file(self.handle, str(path))

    def apply_env(self):
        capi.aq_config_apply_env(self.handle)

    def set(self, key, value):
        """Explicit setting (source "cli"); value is any JSON-serialisable Python value."""
        capi.aq_config_set(self.handle, key, json.dumps(value))

    def unset(self, key):
        capi.aq_config_unset(self.handle, key)

    def get(self, key):
        return json.loads(capi.aq_config_get(self.handle, key))

    def source(self, key):
        return capi.aq_config_get_source(self.handle, key)

    def sources(self):
        return json.loads(capi.aq_config_sources_json(self.handle))

    def warnings(self):
        """Warnings about the configuration (keys accepted without effect), each once, in order."""
        return json.loads(capi.aq_config_warnings_json(self.handle))

    def validate(self):
        capi.aq_config_validate(self.handle)

    def to_json(self):
        return capi.aq_config_to_json(self.handle)

    def to_dict(self):
        return json.loads(self.to_json())

    def __getitem__(self, key):
        return self.get(key)

    def __setitem__(self, key, value):
        self.set(key, value)

    @staticmethod
    def schema():
        """The key table: one dict per key (type, accepted values, defaults, env variable, CLI flag, help)."""
        return json.loads(capi.aq_config_schema_json())

    @staticmethod
    def keys():
        """Every leaf key, in documentation order."""
        return [capi.aq_config_key_name(i) for i in range(capi.aq_config_key_count())]
