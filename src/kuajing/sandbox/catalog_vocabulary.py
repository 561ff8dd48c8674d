"""The words and ranges the sandbox's 1688 catalog is generated from (data only, no logic).

Clusters are real 产业带; each lists the categories it is known for. A category gives title
templates in the style of 1688 (Chinese keyword-stuffed titles with an English ``subjectTrans``),
the materials sellers claim (with the share of listings whose real material differs — the guide's
"PVC phone case titled 硅胶"), spec axes (颜色 × 尺码/型号/…), and plausible price, weight and
size ranges. Prices are CNY per piece for the first quantity tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

Pair = tuple[str, str]  # (Chinese, English)


@dataclass(frozen=True)
class Material:
    value: str
    value_trans: str
    # The listing claims ``value`` but the goods are really ``real`` in this share of offers.
    real: str | None = None
    real_share: float = 0.0


@dataclass(frozen=True)
class SpecAxis:
    name: str  # attribute name, e.g. "颜色"
    values: tuple[Pair, ...]
    pick: tuple[int, int]  # how many values an offer uses (min, max)
    # Per-value price step (CNY) added per position, e.g. larger sizes cost more.
    price_step: Decimal = Decimal(0)


@dataclass(frozen=True)
class CategoryVocab:
    code: str
    name_zh: str
    category_id: int
    titles: tuple[Pair, ...]  # "{p}" = prefix, "{mat}" = material (en: "{p_en}", "{mat_en}")
    materials: tuple[Material, ...]
    axes: tuple[SpecAxis, ...]
    price: tuple[Decimal, Decimal]  # first-tier unit price range
    weight_g: tuple[int, int]
    size_cm: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]  # (length, width, height) ranges
    # Quantity tiers (the first start is the minimum order quantity).
    tier_starts: tuple[tuple[int, ...], ...] = ((1, 50, 200), (2, 100, 500), (1, 10, 100), (1, 50), (1,))
    sub_fen: bool = False  # prices kept to 1/1000 yuan (cheap small goods)
    extra_attributes: tuple[tuple[str, tuple[Pair, ...]], ...] = ()


@dataclass(frozen=True)
class ClusterVocab:
    code: str
    name_zh: str
    province: str
    city: str
    pinyin: str  # for login ids
    company_prefix: str  # how company names start, e.g. "义乌市"
    trades: tuple[str, ...]  # trade words in company names, e.g. "饰品"
    categories: tuple[str, ...]


PREFIXES: tuple[Pair, ...] = (
    ("跨境新款", "Cross-border new"),
    ("外贸爆款", "Export hot-selling"),
    ("亚马逊热销", "Amazon best-selling"),
    ("工厂直销", "Factory direct"),
    ("2024新款", "2024 new"),
    ("ins风", "INS style"),
    ("速卖通专供", "AliExpress supply"),
    ("厂家批发", "Wholesale"),
    ("跨境专供", "Cross-border exclusive"),
    ("欧美外贸", "EU/US export"),
)

COLORS: tuple[Pair, ...] = (
    ("黑色", "black"),
    ("白色", "white"),
    ("粉色", "pink"),
    ("天蓝色", "sky blue"),
    ("紫色", "purple"),
    ("薄荷绿", "mint green"),
    ("黄色", "yellow"),
    ("红色", "red"),
    ("深蓝色", "navy"),
    ("灰色", "grey"),
    ("卡其色", "khaki"),
    ("米白色", "beige"),
)
APPAREL_SIZES: tuple[Pair, ...] = (
    ("S", "S"),
    ("M", "M"),
    ("L", "L"),
    ("XL", "XL"),
    ("2XL", "2XL"),
    ("3XL", "3XL"),
    ("4XL", "4XL"),
)
SHOE_SIZES: tuple[Pair, ...] = tuple((str(size), f"EU {size}") for size in range(35, 47))
PHONE_MODELS: tuple[Pair, ...] = (
    ("iPhone15", "iPhone 15"),
    ("iPhone15Pro", "iPhone 15 Pro"),
    ("iPhone15ProMax", "iPhone 15 Pro Max"),
    ("iPhone15Plus", "iPhone 15 Plus"),
    ("iPhone14", "iPhone 14"),
    ("iPhone14Pro", "iPhone 14 Pro"),
    ("iPhone14ProMax", "iPhone 14 Pro Max"),
    ("iPhone13", "iPhone 13"),
    ("iPhone12", "iPhone 12"),
    ("三星S24", "Samsung S24"),
    ("三星S24Ultra", "Samsung S24 Ultra"),
    ("华为Mate60", "Huawei Mate 60"),
    ("小米14", "Xiaomi 14"),
    ("OPPO Reno11", "OPPO Reno 11"),
)
STYLES: tuple[Pair, ...] = tuple((f"款式{n}", f"style {n}") for n in range(1, 13))

CATEGORIES: tuple[CategoryVocab, ...] = (
    CategoryVocab(
        "phone_case",
        "手机壳",
        1049093,
        (
            (
                "{p}适用苹果15手机壳{mat}全包防摔iPhone15promax保护套",
                "{p_en} {mat_en} full-cover shockproof case for iPhone 15 Pro Max",
            ),
            (
                "{p}iPhone15手机壳{mat}全包防摔适用苹果15promax保护套",
                "{p_en} iPhone 15 {mat_en} phone case, shockproof cover for iPhone 15 Pro Max",
            ),
            (
                "{p}{mat}手机壳磨砂肤感镜头全包适用iPhone14/13",
                "{p_en} {mat_en} matte phone case with camera protection for iPhone 14/13",
            ),
            (
                "{p}透明气囊防摔{mat}手机壳适用三星S24Ultra",
                "{p_en} clear airbag shockproof {mat_en} case for Samsung S24 Ultra",
            ),
            (
                "{p}卡通{mat}手机壳可爱女款适用苹果华为小米",
                "{p_en} cute cartoon {mat_en} phone case for iPhone Huawei Xiaomi",
            ),
        ),
        (
            Material("硅胶", "silicone", real="PVC", real_share=0.35),
            Material("液态硅胶", "liquid silicone"),
            Material("TPU", "TPU"),
            Material("PC+TPU", "PC+TPU"),
            Material("PU皮革", "PU leather"),
        ),
        (SpecAxis("颜色", COLORS, (3, 8)), SpecAxis("适用型号", PHONE_MODELS, (4, 12), Decimal("0.2"))),
        (Decimal("1.8"), Decimal("12")),
        (20, 60),
        ((15, 18), (8, 10), (1, 2)),
        extra_attributes=(("风格", (("简约", "minimalist"), ("卡通", "cartoon"), ("商务", "business"))),),
    ),
    CategoryVocab(
        "charging_cable",
        "数据线",
        1031917,
        (
            (
                "{p}{mat}快充数据线Type-C适用苹果安卓充电线",
                "{p_en} {mat_en} fast charging cable Type-C for iPhone Android",
            ),
            ("{p}PD20W快充线{mat}加粗iPhone充电线批发", "{p_en} PD 20W {mat_en} thick iPhone charging cable"),
            ("{p}三合一{mat}数据线一拖三充电线", "{p_en} 3-in-1 {mat_en} charging cable"),
        ),
        (
            Material("尼龙编织", "nylon braided"),
            Material("TPE", "TPE"),
            Material("硅胶", "silicone", "PVC", 0.2),
        ),
        (
            SpecAxis("颜色", COLORS[:4] + COLORS[9:10], (2, 4)),
            SpecAxis(
                "长度",
                (("1米", "1 m"), ("1.5米", "1.5 m"), ("2米", "2 m"), ("3米", "3 m")),
                (2, 4),
                Decimal("0.8"),
            ),
        ),
        (Decimal("1.5"), Decimal("15")),
        (25, 90),
        ((10, 15), (8, 12), (1, 3)),
    ),
    CategoryVocab(
        "earbuds",
        "蓝牙耳机",
        1038378,
        (
            (
                "{p}TWS无线蓝牙耳机5.3入耳式降噪运动耳机",
                "{p_en} TWS wireless Bluetooth 5.3 in-ear noise-cancelling earbuds",
            ),
            (
                "{p}私模蓝牙耳机{mat}外壳半入耳式长续航",
                "{p_en} private-mould Bluetooth earbuds, {mat_en} shell, long battery",
            ),
            (
                "{p}骨传导概念挂耳式蓝牙耳机运动防水",
                "{p_en} open-ear hook Bluetooth headphones, sports waterproof",
            ),
        ),
        (Material("ABS", "ABS"), Material("PC", "PC"), Material("ABS+PC", "ABS+PC")),
        (SpecAxis("颜色", COLORS[:5], (2, 5)),),
        (Decimal("16"), Decimal("85")),
        (60, 160),
        ((8, 12), (6, 9), (3, 5)),
        extra_attributes=(("蓝牙版本", (("5.3", "5.3"), ("5.4", "5.4"))), ("是否带电池", (("是", "yes"),))),
    ),
    CategoryVocab(
        "power_bank",
        "充电宝",
        1031919,
        (
            (
                "{p}超薄充电宝{mat}外壳自带线快充移动电源",
                "{p_en} slim power bank, {mat_en} shell, built-in cable fast charging",
            ),
            (
                "{p}磁吸无线充电宝适用苹果迷你便携移动电源",
                "{p_en} magnetic wireless power bank for iPhone, mini portable",
            ),
        ),
        (Material("ABS+PC", "ABS+PC"), Material("铝合金", "aluminium alloy")),
        (
            SpecAxis("颜色", COLORS[:4], (2, 4)),
            SpecAxis(
                "容量",
                (("5000mAh", "5000 mAh"), ("10000mAh", "10000 mAh"), ("20000mAh", "20000 mAh")),
                (2, 3),
                Decimal("9"),
            ),
        ),
        (Decimal("24"), Decimal("80")),
        (150, 420),
        ((10, 15), (6, 8), (2, 3)),
        extra_attributes=(("是否带电池", (("是", "yes"),)),),
    ),
    CategoryVocab(
        "phone_holder",
        "手机支架",
        124190001,
        (
            (
                "{p}桌面手机支架{mat}可折叠懒人直播平板支架",
                "{p_en} foldable {mat_en} desktop phone and tablet stand",
            ),
            ("{p}车载手机支架出风口{mat}重力导航支架", "{p_en} car air-vent {mat_en} gravity phone holder"),
        ),
        (Material("铝合金", "aluminium alloy"), Material("ABS", "ABS")),
        (SpecAxis("颜色", COLORS[:4] + COLORS[9:10], (2, 5)),),
        (Decimal("2.6"), Decimal("22")),
        (60, 260),
        ((10, 16), (6, 10), (2, 5)),
    ),
    CategoryVocab(
        "hair_tie",
        "发圈",
        125206001,
        (
            ("{p}韩版{mat}发圈头绳扎头发皮筋批发", "{p_en} Korean {mat_en} hair ties scrunchies wholesale"),
            ("{p}一次性{mat}小皮筋儿童彩色橡皮筋", "{p_en} disposable small {mat_en} elastic bands for kids"),
            ("{p}大肠发圈{mat}纯色头花", "{p_en} plain-colour {mat_en} scrunchie"),
        ),
        (
            Material("橡胶", "rubber"),
            Material("弹力布", "elastic fabric"),
            Material("真丝", "silk", real="涤纶", real_share=0.4),
        ),
        (
            SpecAxis(
                "颜色",
                (("混色", "mixed"), ("黑色", "black"), ("莫兰迪色", "morandi"), ("糖果色", "candy")),
                (2, 4),
            ),
        ),
        (Decimal("0.02"), Decimal("0.2")),
        (2, 12),
        ((3, 6), (3, 6), (1, 2)),
        tier_starts=((100, 1000, 10000), (200, 2000, 20000), (500, 5000)),
        sub_fen=True,
    ),
    CategoryVocab(
        "hair_clip",
        "发夹",
        125206002,
        (
            ("{p}{mat}抓夹大号鲨鱼夹后脑勺盘发发夹", "{p_en} large {mat_en} claw clip for hair"),
            ("{p}珍珠{mat}边夹刘海夹一字夹发饰", "{p_en} pearl {mat_en} side hair clips"),
            ("{p}法式{mat}弹簧夹高级感发夹", "{p_en} French {mat_en} spring barrette"),
        ),
        (Material("醋酸板", "acetate"), Material("合金", "alloy"), Material("树脂", "resin")),
        (SpecAxis("颜色", COLORS, (2, 6)),),
        (Decimal("0.35"), Decimal("6")),
        (8, 40),
        ((5, 12), (3, 6), (2, 4)),
    ),
    CategoryVocab(
        "sticker",
        "贴纸",
        121520001,
        (
            (
                "{p}卡通{mat}贴纸防水手账行李箱涂鸦贴",
                "{p_en} cartoon waterproof {mat_en} stickers for luggage",
            ),
            ("{p}{mat}不干胶标签贴儿童奖励贴纸", "{p_en} {mat_en} self-adhesive reward stickers for kids"),
        ),
        (Material("PVC", "PVC"), Material("铜版纸", "coated paper")),
        (SpecAxis("款式", STYLES, (3, 8)),),
        (Decimal("0.03"), Decimal("0.45")),
        (1, 10),
        ((5, 10), (5, 8), (1, 1)),
        tier_starts=((100, 1000, 5000), (500, 5000, 50000)),
        sub_fen=True,
    ),
    CategoryVocab(
        "christmas_decor",
        "圣诞装饰",
        121520002,
        (
            ("{p}圣诞树挂件{mat}彩球圣诞节装饰品", "{p_en} {mat_en} Christmas tree baubles decoration"),
            ("{p}{mat}圣诞老人公仔摆件节日布置", "{p_en} {mat_en} Santa figure Christmas decoration"),
        ),
        (Material("塑料", "plastic"), Material("布艺", "fabric"), Material("毛毡", "felt")),
        (
            SpecAxis(
                "颜色", (("红色", "red"), ("金色", "gold"), ("银色", "silver"), ("绿色", "green")), (2, 4)
            ),
            SpecAxis("规格", (("6cm", "6 cm"), ("8cm", "8 cm"), ("10cm", "10 cm")), (1, 3), Decimal("0.3")),
        ),
        (Decimal("0.5"), Decimal("15")),
        (20, 300),
        ((8, 30), (8, 20), (5, 15)),
    ),
    CategoryVocab(
        "kitchen_tool",
        "厨房小工具",
        1042754,
        (
            ("{p}{mat}锅铲厨房家用耐高温炒菜铲", "{p_en} heat-resistant {mat_en} cooking spatula"),
            ("{p}{mat}硅胶刷烘焙油刷厨房用品", "{p_en} {mat_en} basting brush for baking"),
            ("{p}多功能{mat}削皮刀刨丝器", "{p_en} multifunction {mat_en} peeler and grater"),
        ),
        (
            Material("食品级硅胶", "food-grade silicone", real="普通硅胶", real_share=0.2),
            Material("304不锈钢", "304 stainless steel", real="201不锈钢", real_share=0.2),
            Material("PP", "PP"),
        ),
        (SpecAxis("颜色", COLORS[:6], (2, 5)),),
        (Decimal("0.9"), Decimal("12")),
        (30, 180),
        ((15, 32), (4, 9), (2, 4)),
    ),
    CategoryVocab(
        "makeup_brush",
        "化妆刷",
        1032131,
        (
            (
                "{p}化妆刷套装{mat}软毛散粉刷眼影刷全套",
                "{p_en} makeup brush set, soft {mat_en} powder and eyeshadow brushes",
            ),
            ("{p}单支{mat}粉底刷不吃粉美妆工具", "{p_en} single {mat_en} foundation brush beauty tool"),
        ),
        (
            Material("人造纤维", "synthetic fibre"),
            Material("动物毛", "animal hair", real="人造纤维", real_share=0.3),
        ),
        (
            SpecAxis(
                "颜色",
                (("白色", "white"), ("粉色", "pink"), ("黑色", "black"), ("香槟金", "champagne")),
                (2, 4),
            ),
            SpecAxis(
                "规格",
                (("单支", "single"), ("5支装", "5 pcs"), ("10支装", "10 pcs"), ("14支装", "14 pcs")),
                (1, 3),
                Decimal("4"),
            ),
        ),
        (Decimal("1.5"), Decimal("25")),
        (30, 320),
        ((15, 22), (4, 12), (2, 5)),
    ),
    CategoryVocab(
        "lip_gloss",
        "唇釉",
        1032132,
        (
            ("{p}丝绒雾面唇釉不沾杯持久口红小众品牌", "{p_en} velvet matte liquid lipstick, long-lasting"),
            ("{p}镜面水光唇彩{mat}管口红批发", "{p_en} glossy lip gloss in {mat_en} tube, wholesale"),
        ),
        (Material("PETG", "PETG"), Material("AS", "AS")),
        (SpecAxis("色号", tuple((f"{n:02d}#", f"shade {n:02d}") for n in range(1, 13)), (4, 10)),),
        (Decimal("1.8"), Decimal("12")),
        (25, 60),
        ((9, 12), (2, 3), (2, 3)),
        extra_attributes=(("净含量", (("3g", "3 g"), ("5ml", "5 ml"))),),
    ),
    CategoryVocab(
        "dress",
        "连衣裙",
        127424004,
        (
            (
                "{p}法式复古{mat}碎花连衣裙女夏收腰显瘦长裙",
                "{p_en} French vintage floral {mat_en} dress, waisted midi",
            ),
            ("{p}{mat}吊带连衣裙女气质小黑裙", "{p_en} {mat_en} slip dress, little black dress"),
            ("{p}大码女装{mat}连衣裙宽松显瘦", "{p_en} plus-size {mat_en} loose dress"),
        ),
        (
            Material("雪纺", "chiffon"),
            Material("纯棉", "cotton", real="涤棉", real_share=0.25),
            Material("聚酯纤维", "polyester"),
            Material("针织", "knit"),
        ),
        (SpecAxis("颜色", COLORS, (1, 4)), SpecAxis("尺码", APPAREL_SIZES[:5], (3, 5))),
        (Decimal("28"), Decimal("120")),
        (180, 480),
        ((28, 35), (20, 28), (2, 5)),
        extra_attributes=(
            ("风格", (("法式", "French"), ("韩版", "Korean"), ("通勤", "office"))),
            ("适用季节", (("夏季", "summer"), ("春秋", "spring/autumn"))),
        ),
    ),
    CategoryVocab(
        "tshirt",
        "T恤",
        127424005,
        (
            (
                "{p}{mat}短袖T恤男女同款宽松纯色打底衫",
                "{p_en} {mat_en} short-sleeve T-shirt unisex loose plain",
            ),
            (
                "{p}重磅{mat}圆领T恤可定制logo文化衫",
                "{p_en} heavyweight {mat_en} crew-neck T-shirt, custom logo",
            ),
            ("{p}美式复古印花{mat}T恤潮牌", "{p_en} American vintage print {mat_en} T-shirt"),
        ),
        (
            Material("纯棉", "cotton", real="涤棉", real_share=0.3),
            Material("莫代尔", "modal"),
            Material("涤纶", "polyester"),
        ),
        (SpecAxis("颜色", COLORS, (2, 6)), SpecAxis("尺码", APPAREL_SIZES, (4, 6))),
        (Decimal("8.5"), Decimal("39")),
        (150, 320),
        ((25, 32), (20, 26), (2, 4)),
    ),
    CategoryVocab(
        "sneakers",
        "运动鞋",
        127512001,
        (
            ("{p}男鞋{mat}透气运动鞋跑步鞋休闲鞋", "{p_en} men's breathable {mat_en} running sneakers"),
            ("{p}老爹鞋女{mat}厚底增高休闲运动鞋", "{p_en} women's chunky {mat_en} dad sneakers"),
            ("{p}{mat}小白鞋板鞋百搭学生鞋", "{p_en} {mat_en} white skate shoes for students"),
        ),
        (
            Material("网布", "mesh"),
            Material("飞织", "flyknit"),
            Material("PU", "PU"),
            Material("真皮", "genuine leather", real="PU", real_share=0.3),
        ),
        (SpecAxis("颜色", COLORS[:6], (1, 4)), SpecAxis("尺码", SHOE_SIZES, (5, 9))),
        (Decimal("36"), Decimal("120")),
        (550, 1000),
        ((30, 35), (18, 22), (10, 13)),
        extra_attributes=(("鞋底材质", (("橡胶", "rubber"), ("EVA", "EVA"), ("MD", "MD"))),),
    ),
    CategoryVocab(
        "leather_shoes",
        "皮鞋",
        127512002,
        (
            ("{p}男士{mat}商务正装皮鞋系带英伦", "{p_en} men's {mat_en} business dress shoes, lace-up"),
            ("{p}{mat}乐福鞋男一脚蹬休闲皮鞋", "{p_en} {mat_en} loafers slip-on casual shoes"),
        ),
        (Material("头层牛皮", "full-grain cowhide", real="PU", real_share=0.3), Material("PU", "PU")),
        (
            SpecAxis("颜色", (("黑色", "black"), ("棕色", "brown"), ("酒红色", "burgundy")), (1, 3)),
            SpecAxis("尺码", SHOE_SIZES[3:10], (4, 7)),
        ),
        (Decimal("58"), Decimal("220")),
        (700, 1200),
        ((30, 34), (18, 21), (11, 13)),
    ),
    CategoryVocab(
        "sunglasses",
        "太阳镜",
        1042870,
        (
            ("{p}{mat}偏光太阳镜男女防紫外线墨镜", "{p_en} {mat_en} polarized sunglasses UV400"),
            ("{p}复古小框{mat}墨镜欧美潮流眼镜", "{p_en} retro small-frame {mat_en} sunglasses"),
        ),
        (Material("PC", "PC"), Material("TR90", "TR90"), Material("金属", "metal")),
        (
            SpecAxis(
                "颜色",
                (
                    ("黑框灰片", "black/grey"),
                    ("豹纹茶片", "tortoise/brown"),
                    ("金框茶片", "gold/brown"),
                    ("透明框粉片", "clear/pink"),
                    ("银框蓝片", "silver/blue"),
                ),
                (2, 5),
            ),
        ),
        (Decimal("3.8"), Decimal("30")),
        (25, 60),
        ((15, 17), (5, 7), (4, 5)),
        extra_attributes=(("镜片功能", (("偏光", "polarized"), ("防紫外线UV400", "UV400"))),),
    ),
    CategoryVocab(
        "sportswear",
        "运动套装",
        127424006,
        (
            (
                "{p}运动套装男{mat}速干跑步健身服两件套",
                "{p_en} men's {mat_en} quick-dry running tracksuit set",
            ),
            ("{p}瑜伽服女{mat}高弹健身套装", "{p_en} women's stretchy {mat_en} yoga set"),
        ),
        (Material("涤纶", "polyester"), Material("冰丝", "ice silk"), Material("锦纶", "nylon")),
        (SpecAxis("颜色", COLORS[:6], (1, 4)), SpecAxis("尺码", APPAREL_SIZES[1:], (4, 6))),
        (Decimal("32"), Decimal("110")),
        (250, 600),
        ((28, 35), (22, 28), (3, 6)),
    ),
    CategoryVocab(
        "plush_toy",
        "毛绒玩具",
        1031588,
        (
            ("{p}可爱{mat}公仔毛绒玩具抱枕布娃娃", "{p_en} cute {mat_en} plush doll pillow"),
            ("{p}抓机娃娃{mat}小挂件批发", "{p_en} claw-machine {mat_en} plush keychain"),
        ),
        (Material("短毛绒", "short plush"), Material("PP棉", "PP cotton")),
        (
            SpecAxis("款式", STYLES[:6], (1, 4)),
            SpecAxis("尺寸", (("20cm", "20 cm"), ("30cm", "30 cm"), ("45cm", "45 cm")), (1, 3), Decimal("8")),
        ),
        (Decimal("3.5"), Decimal("45")),
        (60, 600),
        ((15, 40), (10, 30), (8, 20)),
        extra_attributes=(("适用年龄", (("3岁以上", "3+ years"), ("14岁以上", "14+ years"))),),
    ),
    CategoryVocab(
        "rc_car",
        "遥控车",
        1031589,
        (
            (
                "{p}儿童遥控车越野四驱高速{mat}充电漂移赛车",
                "{p_en} kids' 4WD high-speed {mat_en} RC off-road drift car",
            ),
            ("{p}遥控特技翻斗车{mat}男孩玩具", "{p_en} {mat_en} RC stunt car toy for boys"),
        ),
        (Material("ABS", "ABS"), Material("合金", "alloy")),
        (
            SpecAxis(
                "颜色", (("红色", "red"), ("蓝色", "blue"), ("绿色", "green"), ("橙色", "orange")), (1, 3)
            ),
            SpecAxis("规格", (("单电池", "1 battery"), ("双电池", "2 batteries")), (1, 2), Decimal("6")),
        ),
        (Decimal("32"), Decimal("150")),
        (400, 1300),
        ((25, 40), (15, 25), (12, 20)),
        extra_attributes=(
            ("适用年龄", (("6岁以上", "6+ years"), ("8岁以上", "8+ years"))),
            ("是否带电池", (("是", "yes"),)),
        ),
    ),
    CategoryVocab(
        "building_blocks",
        "积木",
        1031590,
        (
            ("{p}兼容乐高积木{mat}拼装益智玩具小颗粒", "{p_en} LEGO-compatible {mat_en} building blocks"),
            ("{p}{mat}大颗粒积木桶装儿童早教", "{p_en} large {mat_en} bricks bucket for toddlers"),
        ),
        (Material("ABS", "ABS"), Material("PP", "PP")),
        (SpecAxis("款式", STYLES[:8], (2, 6), Decimal("1.5")),),
        (Decimal("6"), Decimal("60")),
        (150, 900),
        ((15, 35), (10, 25), (5, 12)),
        extra_attributes=(("适用年龄", (("3岁以上", "3+ years"), ("6岁以上", "6+ years"))),),
    ),
    CategoryVocab(
        "storage_box",
        "收纳盒",
        1042755,
        (
            (
                "{p}桌面{mat}收纳盒化妆品整理盒抽屉式",
                "{p_en} desktop {mat_en} drawer organiser for cosmetics",
            ),
            ("{p}{mat}衣柜收纳箱带盖家用整理箱", "{p_en} {mat_en} storage box with lid for wardrobe"),
        ),
        (Material("PP", "PP"), Material("亚克力", "acrylic"), Material("无纺布", "non-woven fabric")),
        (
            SpecAxis(
                "颜色", (("透明", "clear"), ("白色", "white"), ("灰色", "grey"), ("奶油色", "cream")), (1, 3)
            ),
            SpecAxis(
                "尺寸", (("小号", "small"), ("中号", "medium"), ("大号", "large")), (2, 3), Decimal("3")
            ),
        ),
        (Decimal("2.8"), Decimal("30")),
        (150, 1500),
        ((20, 45), (15, 30), (8, 25)),
    ),
    CategoryVocab(
        "thermos",
        "保温杯",
        1042756,
        (
            ("{p}{mat}保温杯男女大容量便携水杯", "{p_en} {mat_en} vacuum insulated bottle, large capacity"),
            ("{p}咖啡杯{mat}车载保温杯带吸管", "{p_en} {mat_en} travel coffee tumbler with straw"),
        ),
        (
            Material("304不锈钢", "304 stainless steel", real="201不锈钢", real_share=0.25),
            Material("316不锈钢", "316 stainless steel"),
        ),
        (
            SpecAxis("颜色", COLORS[:8], (2, 5)),
            SpecAxis(
                "容量", (("350ml", "350 ml"), ("500ml", "500 ml"), ("750ml", "750 ml")), (1, 3), Decimal("3")
            ),
        ),
        (Decimal("11"), Decimal("45")),
        (230, 480),
        ((20, 27), (7, 9), (7, 9)),
    ),
    CategoryVocab(
        "screwdriver_set",
        "螺丝刀套装",
        1042757,
        (
            (
                "{p}多功能螺丝刀套装{mat}家用精密维修工具",
                "{p_en} multifunction {mat_en} precision screwdriver set",
            ),
            ("{p}{mat}手机拆机工具组合套装", "{p_en} {mat_en} phone repair tool kit"),
        ),
        (
            Material("铬钒钢", "chrome vanadium steel", real="碳钢", real_share=0.2),
            Material("S2合金钢", "S2 alloy steel"),
        ),
        (
            SpecAxis(
                "规格",
                (("24合1", "24-in-1"), ("32合1", "32-in-1"), ("63合1", "63-in-1"), ("115合1", "115-in-1")),
                (2, 4),
                Decimal("6"),
            ),
        ),
        (Decimal("7.5"), Decimal("60")),
        (150, 700),
        ((15, 25), (8, 15), (3, 5)),
    ),
    CategoryVocab(
        "cutlery",
        "不锈钢餐具",
        1042758,
        (
            ("{p}{mat}西餐刀叉勺套装牛排餐具", "{p_en} {mat_en} cutlery set, steak knife fork spoon"),
            ("{p}{mat}勺子家用加厚长柄汤勺", "{p_en} thick long-handle {mat_en} spoons"),
        ),
        (
            Material("304不锈钢", "304 stainless steel", real="201不锈钢", real_share=0.3),
            Material("410不锈钢", "410 stainless steel"),
        ),
        (
            SpecAxis(
                "颜色",
                (("银色", "silver"), ("金色", "gold"), ("黑色", "black"), ("玫瑰金", "rose gold")),
                (2, 4),
            ),
            SpecAxis(
                "规格",
                (("单支", "single"), ("4件套", "4-piece"), ("24件套", "24-piece")),
                (1, 3),
                Decimal("5"),
            ),
        ),
        (Decimal("1.2"), Decimal("45")),
        (40, 1200),
        ((18, 28), (4, 20), (1, 6)),
    ),
    CategoryVocab(
        "kitchen_knife",
        "菜刀",
        1042759,
        (
            ("{p}{mat}菜刀家用切片刀厨师刀", "{p_en} {mat_en} kitchen chef's knife"),
            ("{p}日式{mat}水果刀三德刀", "{p_en} Japanese {mat_en} santoku knife"),
        ),
        (
            Material("5Cr15不锈钢", "5Cr15 stainless steel"),
            Material("大马士革钢", "Damascus steel", real="激光纹不锈钢", real_share=0.4),
        ),
        (SpecAxis("规格", (("8寸", "8 inch"), ("7寸", "7 inch"), ("5寸", "5 inch")), (1, 3), Decimal("4")),),
        (Decimal("14"), Decimal("90")),
        (180, 450),
        ((30, 38), (6, 9), (2, 3)),
    ),
    CategoryVocab(
        "stage_costume",
        "演出服",
        127424007,
        (
            (
                "{p}儿童{mat}演出服女童舞蹈蓬蓬裙六一表演服",
                "{p_en} kids' {mat_en} performance costume, tutu dance dress",
            ),
            ("{p}成人{mat}舞台演出服年会合唱服", "{p_en} adult {mat_en} stage costume for choir and gala"),
        ),
        (Material("亮片", "sequin"), Material("网纱", "mesh tulle"), Material("聚酯纤维", "polyester")),
        (
            SpecAxis("颜色", COLORS[:8], (1, 3)),
            SpecAxis("尺码", tuple((f"{h}cm", f"{h} cm") for h in range(110, 170, 10)), (3, 6)),
        ),
        (Decimal("22"), Decimal("90")),
        (180, 500),
        ((28, 35), (22, 28), (3, 6)),
    ),
    CategoryVocab(
        "hanfu",
        "汉服",
        127424008,
        (
            (
                "{p}原创汉服女{mat}明制马面裙日常",
                "{p_en} original hanfu, {mat_en} Ming-style horse-face skirt",
            ),
            ("{p}古风{mat}汉服襦裙仙气飘逸", "{p_en} ancient-style {mat_en} hanfu ruqun dress"),
        ),
        (
            Material("雪纺", "chiffon"),
            Material("仿真丝", "faux silk"),
            Material("真丝", "silk", real="仿真丝", real_share=0.5),
        ),
        (SpecAxis("颜色", COLORS[:8], (1, 3)), SpecAxis("尺码", APPAREL_SIZES[:4], (2, 4))),
        (Decimal("45"), Decimal("160")),
        (300, 800),
        ((30, 38), (25, 30), (4, 8)),
    ),
)

CATEGORIES_BY_CODE: dict[str, CategoryVocab] = {category.code: category for category in CATEGORIES}

CLUSTERS: tuple[ClusterVocab, ...] = (
    ClusterVocab(
        "yiwu",
        "义乌小商品",
        "浙江省",
        "金华市",
        "yiwu",
        "义乌市",
        ("饰品", "日用品", "工艺品", "小商品"),
        ("hair_tie", "sticker", "hair_clip", "christmas_decor", "phone_holder", "kitchen_tool"),
    ),
    ClusterVocab(
        "huaqiangbei",
        "深圳华强北电子",
        "广东省",
        "深圳市",
        "sz",
        "深圳市",
        ("电子科技", "数码科技", "通讯器材"),
        ("phone_case", "charging_cable", "earbuds", "power_bank", "phone_holder"),
    ),
    ClusterVocab(
        "baiyun",
        "广州白云美妆服装",
        "广东省",
        "广州市",
        "gz",
        "广州市白云区",
        ("化妆品", "美妆工具", "服饰"),
        ("makeup_brush", "lip_gloss", "dress", "tshirt"),
    ),
    ClusterVocab(
        "dongguan",
        "东莞玩具电子",
        "广东省",
        "东莞市",
        "dg",
        "东莞市",
        ("玩具", "电子", "塑胶制品"),
        ("plush_toy", "charging_cable", "earbuds", "phone_case"),
    ),
    ClusterVocab(
        "chenghai",
        "汕头澄海玩具",
        "广东省",
        "汕头市",
        "chenghai",
        "汕头市澄海区",
        ("玩具", "塑胶玩具", "智能玩具"),
        ("plush_toy", "rc_car", "building_blocks"),
    ),
    ClusterVocab(
        "wenzhou",
        "温州鞋业眼镜",
        "浙江省",
        "温州市",
        "wz",
        "温州市",
        ("鞋业", "眼镜", "皮具"),
        ("leather_shoes", "sneakers", "sunglasses"),
    ),
    ClusterVocab(
        "jinjiang",
        "晋江运动鞋服",
        "福建省",
        "泉州市",
        "jj",
        "晋江市",
        ("鞋服", "体育用品", "鞋业"),
        ("sneakers", "sportswear", "tshirt"),
    ),
    ClusterVocab(
        "sijiqing",
        "杭州四季青女装",
        "浙江省",
        "杭州市",
        "hz",
        "杭州",
        ("服饰", "女装", "服装"),
        ("dress", "tshirt"),
    ),
    ClusterVocab(
        "ningbo",
        "宁波家居日用",
        "浙江省",
        "宁波市",
        "nb",
        "宁波市",
        ("家居用品", "塑料制品", "日用品"),
        ("storage_box", "kitchen_tool", "thermos"),
    ),
    ClusterVocab(
        "yongkang",
        "永康五金",
        "浙江省",
        "金华市",
        "yk",
        "永康市",
        ("五金工具", "工贸", "杯业"),
        ("screwdriver_set", "thermos", "phone_holder"),
    ),
    ClusterVocab(
        "caoxian",
        "曹县演出服",
        "山东省",
        "菏泽市",
        "cx",
        "曹县",
        ("服饰", "演出服饰", "工艺品"),
        ("stage_costume", "hanfu"),
    ),
    ClusterVocab(
        "jieyang",
        "揭阳不锈钢",
        "广东省",
        "揭阳市",
        "jy",
        "揭阳市",
        ("不锈钢制品", "五金制品", "刀具"),
        ("cutlery", "kitchen_knife"),
    ),
)

# Two characters from here make the 字号 of a company name ("义乌市鑫华饰品有限公司").
NAME_CHARACTERS = "鑫华创达美佳盛恒源泰宏兴优品博锐联嘉顺丰晨悦诚万新辉立凯腾永安信祥瑞隆金俊"
NAME_PINYIN = {
    "鑫": "xin",
    "华": "hua",
    "创": "chuang",
    "达": "da",
    "美": "mei",
    "佳": "jia",
    "盛": "sheng",
    "恒": "heng",
    "源": "yuan",
    "泰": "tai",
    "宏": "hong",
    "兴": "xing",
    "优": "you",
    "品": "pin",
    "博": "bo",
    "锐": "rui",
    "联": "lian",
    "嘉": "jia",
    "顺": "shun",
    "丰": "feng",
    "晨": "chen",
    "悦": "yue",
    "诚": "cheng",
    "万": "wan",
    "新": "xin",
    "辉": "hui",
    "立": "li",
    "凯": "kai",
    "腾": "teng",
    "永": "yong",
    "安": "an",
    "信": "xin",
    "祥": "xiang",
    "瑞": "rui",
    "隆": "long",
    "金": "jin",
    "俊": "jun",
}
COMPANY_SUFFIXES = ("有限公司", "有限公司", "有限公司", "厂", "商行", "贸易有限公司", "实业有限公司")

# Remote provinces some suppliers refuse to ship to (a common 1688 "不发偏远地区" setting).
REMOTE_PROVINCES = ("新疆维吾尔自治区", "西藏自治区")

EXTRA_COMMON_ATTRIBUTES: tuple[tuple[str, tuple[Pair, ...]], ...] = (
    ("品牌", (("其他", "other"), ("OEM", "OEM"), ("无", "none"))),
    ("货源类别", (("现货", "in stock"), ("现货", "in stock"), ("订货", "made to order"))),
)
