from rest_framework import serializers


class PreferencesSerializer(serializers.Serializer):
    order_updates = serializers.BooleanField(required=False)
    back_in_stock = serializers.BooleanField(required=False)
    marketing = serializers.BooleanField(required=False)
