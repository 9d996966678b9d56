from rest_framework import serializers

from accounts.models import Address, PaymentMethod, User


def loyalty_summary(user: User) -> dict:
    """{tier, points} from the user's loyalty account (the loyalty app owns it)."""
    account = getattr(user, "loyalty_account", None)
    if account is None:
        return {"tier": "bronze", "points": 0}
    return {"tier": account.tier, "points": account.points}


class UserSerializer(serializers.ModelSerializer):
    loyalty = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "username",
            "full_name",
            "phone",
            "is_staff",
            "date_joined",
            "loyalty",
        ]
        read_only_fields = fields

    def get_loyalty(self, user) -> dict:
        return loyalty_summary(user)


class SignupSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    full_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)


class SigninSerializer(serializers.Serializer):
    # Either may be sent blank beside the other (a form's empty field).
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = serializers.CharField(max_length=128, trim_whitespace=False)

    def validate(self, attrs):
        if not attrs.get("email") and not attrs.get("username"):
            raise serializers.ValidationError({"email": ["Give your email or your username."]})
        attrs["login"] = attrs.get("email") or attrs.get("username")
        return attrs


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class SignupResponseSerializer(TokenPairSerializer):
    user = UserSerializer()


class SigninResponseSerializer(SignupResponseSerializer):
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()


class ProfileSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150, allow_blank=True)
    phone = serializers.RegexField(r"^[0-9+() .-]{0,32}$", max_length=32, allow_blank=True)


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["id", "street", "city", "state", "zip_code", "country", "is_default"]
        read_only_fields = ["id"]
        extra_kwargs = {"state": {"required": False}, "is_default": {"required": False}}


class PaymentMethodSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentMethod
        fields = [
            "id",
            "type",
            "brand",
            "last_four",
            "exp_month",
            "exp_year",
            "upi_id",
            "label",
            "is_default",
            "created_at",
        ]
        read_only_fields = fields


class PaymentMethodCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=PaymentMethod.Type.choices)
    card_number = serializers.CharField(max_length=32, required=False, default="", write_only=True)
    exp_month = serializers.IntegerField(required=False, allow_null=True, default=None)
    exp_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    upi_id = serializers.CharField(max_length=100, required=False, default="")
    code = serializers.CharField(max_length=40, required=False, default="", write_only=True)
    is_default = serializers.BooleanField(required=False, default=False)


class PasswordResetRequestSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
