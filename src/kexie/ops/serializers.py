"""Django's JSON serializer, without its loss of precision: DjangoJSONEncoder cuts datetimes and times to
milliseconds, which a backup must not do. Registered as "kexie_json" by kexie.ops.backup; the files it
writes are plain Django JSON fixtures, read back by Django's own "json" deserializer."""

import datetime as dt

from django.core.serializers.json import Deserializer  # noqa: F401 - the format's reader
from django.core.serializers.json import Serializer as DjangoJSONSerializer


class Serializer(DjangoJSONSerializer):
    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, dt.datetime | dt.time):
            return value.isoformat()  # microseconds kept; the time zone offset too
        return super()._value_from_field(obj, field)
