"""The demo shop as plain data: a small Lisbon shop selling clothing,
homeware and coffee. ``seed_demo`` turns it into rows.

Prices are in the shop currency. A variant's ``stock`` is the quantity on
hand it starts with; ``None`` means its stock is not tracked (gift cards,
a booklet printed to order).

Every text here is read by customers of the demo: it promises nothing the
shop does not do (no download links, no emailed gift cards: the shop sells
things it posts or hands over). Each product's picture is a small SVG in
``lojista/demo/static/demo/``.
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class DemoVariant:
    sku: str
    price: Decimal
    stock: int | None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """ "M / Blue" from {"size": "M", "colour": "Blue"}; "" for a product's only variant."""
        return " / ".join(self.options.values())


@dataclass(frozen=True)
class DemoProduct:
    slug: str
    name: str
    description: str
    variants: tuple[DemoVariant, ...]

    @property
    def images(self) -> list[str]:
        return [f"/static/demo/{self.slug}.svg"]


@dataclass(frozen=True)
class DemoShippingMethod:
    code: str
    name: str
    price: Decimal
    free_above: Decimal | None = None
    kind: str = "delivery"
    pickup_location: str = ""
    pickup_details: str = ""


@dataclass(frozen=True)
class DemoShippingZone:
    name: str
    countries: tuple[str, ...]
    methods: tuple[DemoShippingMethod, ...]


def sized(
    sku_prefix: str,
    price: str,
    sizes: tuple[str, ...],
    colours: tuple[str, ...],
    *,
    stock: int = 12,
    sold_out: tuple[str, ...] = (),
) -> tuple[DemoVariant, ...]:
    """One variant per size and colour; those named in ``sold_out`` ("M / Navy") start at 0."""
    variants = []
    for colour in colours:
        for size in sizes:
            name = f"{size} / {colour}"
            variants.append(
                DemoVariant(
                    sku=f"{sku_prefix}-{size}-{colour[:3]}".upper(),
                    price=Decimal(price),
                    stock=0 if name in sold_out else stock,
                    options={"size": size, "colour": colour},
                )
            )
    return tuple(variants)


def one(sku: str, price: str, stock: int | None) -> tuple[DemoVariant, ...]:
    """The only variant of a product that comes in one version."""
    return (DemoVariant(sku=sku, price=Decimal(price), stock=stock),)


def choice(
    sku_prefix: str, price: str, option: str, values: dict[str, int | None]
) -> tuple[DemoVariant, ...]:
    """One variant per value of a single option (colour, scent, grind...), with its stock."""
    return tuple(
        DemoVariant(
            sku=f"{sku_prefix}-{value.split()[0][:4]}".upper(),
            price=Decimal(price),
            stock=stock,
            options={option: value},
        )
        for value, stock in values.items()
    )


PRODUCTS: tuple[DemoProduct, ...] = (
    # Clothing
    DemoProduct(
        slug="organic-cotton-tee",
        name="Organic Cotton T-Shirt",
        description=(
            "A heavyweight tee in GOTS-certified organic cotton, garment-washed so it is soft "
            "from the first wear. Relaxed fit; choose your usual size."
        ),
        variants=sized(
            "TEE", "24.00", ("S", "M", "L", "XL"), ("White", "Navy"), sold_out=("XL / White", "S / Navy")
        ),
    ),
    DemoProduct(
        slug="linen-shirt",
        name="Linen Button-Down Shirt",
        description=(
            "Woven in northern Portugal from European flax. Breathable, a little textured, and "
            "better with every wash. Mother-of-pearl buttons."
        ),
        variants=sized("LIN", "59.00", ("S", "M", "L"), ("Sand", "Sage"), stock=6, sold_out=("L / Sage",)),
    ),
    DemoProduct(
        slug="merino-crew-jumper",
        name="Merino Crew Jumper",
        description=(
            "Fine-gauge extra-fine merino that keeps you warm without bulk. Ribbed cuffs and hem, "
            "machine washable on a wool cycle."
        ),
        variants=sized("MER", "89.00", ("S", "M", "L"), ("Charcoal", "Oatmeal"), stock=4),
    ),
    DemoProduct(
        slug="breton-striped-top",
        name="Breton Striped Top",
        description=(
            "The classic sailor stripe in a dense cotton jersey with a boat neck and three-quarter sleeves."
        ),
        variants=sized("BRE", "39.00", ("XS", "S", "M", "L"), ("Navy",), stock=8, sold_out=("XS / Navy",)),
    ),
    DemoProduct(
        slug="everyday-socks-3-pack",
        name="Everyday Socks, 3-Pack",
        description="Combed cotton socks with a cushioned sole and a seamless toe. Three pairs, one colour.",
        variants=sized("SOC", "15.00", ("36-40", "41-45"), ("Grey", "Black"), stock=30),
    ),
    DemoProduct(
        slug="waxed-cotton-cap",
        name="Waxed Cotton Cap",
        description="A six-panel cap in showerproof waxed cotton with an adjustable leather strap.",
        variants=choice("CAP", "29.00", "colour", {"Olive": 10, "Navy": 0}),
    ),
    DemoProduct(
        slug="wool-beanie",
        name="Ribbed Wool Beanie",
        description="Knitted in Serra da Estrela wool, with a deep turn-up. One size fits most.",
        variants=choice("BEA", "22.00", "colour", {"Mustard": 14, "Forest": 9, "Black": 20}),
    ),
    DemoProduct(
        slug="canvas-tote-bag",
        name="Canvas Tote Bag",
        description=(
            "A sturdy 12 oz canvas tote with an inside pocket and long handles that fit over a coat."
        ),
        variants=choice("TOT", "18.00", "colour", {"Natural": 40, "Black": 25}),
    ),
    # Homeware
    DemoProduct(
        slug="stoneware-mug",
        name="Stoneware Mug",
        description=(
            "Wheel-thrown in Caldas da Rainha and glazed by hand, so no two are quite alike. Holds 300 ml."
        ),
        variants=choice("MUG", "16.00", "colour", {"Speckled White": 24, "Ocean Blue": 0, "Terracotta": 11}),
    ),
    DemoProduct(
        slug="ceramic-bowls-set",
        name="Ceramic Bowls, Set of Two",
        description="Deep everyday bowls for soup, salads or a generous breakfast. Dishwasher safe.",
        variants=one("BOWL-2", "34.00", 9),
    ),
    DemoProduct(
        slug="cork-coasters",
        name="Cork Coasters, Set of Four",
        description="Cut from Alentejo cork, naturally heat-resistant and non-slip.",
        variants=one("CORK-4", "12.50", 50),
    ),
    DemoProduct(
        slug="azulejo-trivet",
        name="Azulejo Tile Trivet",
        description=("A hand-painted tile in the Lisbon tradition, backed with cork to protect your table."),
        variants=one("AZU-TRIV", "19.00", 0),
    ),
    DemoProduct(
        slug="linen-tea-towels",
        name="Linen Tea Towels, Pair",
        description="Absorbent, lint-free stonewashed linen with a hanging loop. Two per pack.",
        variants=choice("TOWEL", "21.00", "colour", {"Natural": 18, "Indigo Stripe": 7}),
    ),
    DemoProduct(
        slug="soy-wax-candle",
        name="Soy Wax Candle",
        description=(
            "Poured by hand into a reusable amber glass jar, with a cotton wick. About 40 hours of burning."
        ),
        variants=choice("CAN", "26.00", "scent", {"Fig & Cedar": 15, "Orange Blossom": 12, "Sea Salt": 0}),
    ),
    DemoProduct(
        slug="olive-wood-board",
        name="Olive Wood Serving Board",
        description="Each board is cut from a single piece of olive wood; the grain makes it one of a kind.",
        variants=one("OLIVE-BRD", "42.00", 5),
    ),
    DemoProduct(
        slug="wool-throw",
        name="Wool Throw Blanket",
        description="A loom-woven throw in pure Portuguese wool, 130 by 180 cm, finished with fringes.",
        variants=one("THROW", "129.00", 0),
    ),
    # Coffee
    DemoProduct(
        slug="house-espresso-blend",
        name="House Espresso Blend, 250 g",
        description=(
            "Our everyday blend of Brazilian and Ethiopian beans: chocolate, hazelnut and a hint of "
            "red fruit. Roasted every Tuesday."
        ),
        variants=choice(
            "ESP-250", "9.50", "grind", {"Whole bean": 60, "Espresso": 35, "Filter": 20, "Cafetière": 0}
        ),
    ),
    DemoProduct(
        slug="brazil-cerrado",
        name="Brazil Cerrado, 250 g",
        description="A natural-process single origin from Minas Gerais: caramel, almond and a round body.",
        variants=choice("BRA-250", "11.00", "grind", {"Whole bean": 25, "Filter": 10}),
    ),
    DemoProduct(
        slug="ethiopia-yirgacheffe",
        name="Ethiopia Yirgacheffe, 250 g",
        description="A washed coffee with jasmine, bergamot and lemon notes. Lovely as a pour-over.",
        variants=choice("ETH-250", "13.50", "grind", {"Whole bean": 0, "Filter": 0}),
    ),
    DemoProduct(
        slug="colombia-decaf",
        name="Colombia Decaf, 250 g",
        description="Sugar-cane decaffeinated, so it keeps its sweetness: panela, orange and cocoa.",
        variants=choice("DEC-250", "10.50", "grind", {"Whole bean": 14, "Espresso": 6}),
    ),
    DemoProduct(
        slug="ceramic-pour-over-dripper",
        name="Ceramic Pour-Over Dripper",
        description="A cone dripper with spiral ribs for an even extraction. Takes size 02 filters.",
        variants=one("DRIP-02", "28.00", 7),
    ),
    DemoProduct(
        slug="paper-filters-02",
        name="Paper Filters 02, Pack of 100",
        description="Unbleached paper filters for our pour-over dripper and other 02 cones.",
        variants=one("FILT-02", "5.50", 80),
    ),
    # Never run out: not stock-tracked
    DemoProduct(
        slug="gift-card",
        name="Gift Card",
        description=(
            "Let them choose: a printed card in a kraft envelope that comes with your order, "
            "to spend at our Lisbon shop."
        ),
        variants=tuple(
            DemoVariant(sku=f"GIFT-{amount}", price=Decimal(amount), stock=None, options={"amount": amount})
            for amount in ("25", "50", "100")
        ),
    ),
    DemoProduct(
        slug="home-barista-guide",
        name="The Home Barista Guide",
        description=(
            "Forty illustrated pages on grinding, dosing and brewing better coffee at home. "
            "A printed booklet that comes with your order."
        ),
        variants=one("GUIDE-PRINT", "7.00", None),
    ),
)


SHIPPING_ZONES: tuple[DemoShippingZone, ...] = (
    DemoShippingZone(
        name="Portugal",
        countries=("PT",),
        methods=(
            DemoShippingMethod(
                code="pt-standard",
                name="Standard (2-3 working days)",
                price=Decimal("4.90"),
                free_above=Decimal("50.00"),
            ),
            DemoShippingMethod(code="pt-express", name="Express (next working day)", price=Decimal("9.90")),
            DemoShippingMethod(
                code="pickup-lisbon",
                name="Pick up at our Lisbon shop",
                price=Decimal("0"),
                kind="pickup",
                pickup_location="Lojista Demo Shop, Rua da Prata 80, 1100-420 Lisboa, Portugal",
                pickup_details=(
                    "Monday to Friday: 10:00-19:00\n"
                    "Saturday: 10:00-14:00\n"
                    "Closed on Sundays and public holidays\n"
                    "Bring your order number."
                ),
            ),
        ),
    ),
    DemoShippingZone(
        name="European Union",
        countries=("ES", "FR", "DE", "IT", "NL", "BE", "IE", "AT", "LU"),
        methods=(
            DemoShippingMethod(
                code="eu-standard",
                name="Standard (4-7 working days)",
                price=Decimal("12.00"),
                free_above=Decimal("120.00"),
            ),
        ),
    ),
    DemoShippingZone(
        name="Brazil",
        countries=("BR",),
        methods=(
            DemoShippingMethod(
                code="br-standard", name="Standard (10-20 working days)", price=Decimal("24.00")
            ),
        ),
    ),
)

OWNER_EMAIL = "owner@lojista.test"
OWNER_NAME = "Demo Owner"

# Shown in the confirmation email of an order paid offline.
DEMO_PAYMENT_INSTRUCTIONS = (
    "Pay by bank transfer to IBAN PT50 0000 0000 0000 0000 0000 0 (Lojista Demo Shop), "
    "with your order number as the reference, or in cash when your parcel arrives."
)
