"""Scripted conversations over the demo catalog (seed 42): what the shopper says, the tool the
agent must call with the arguments it must pass, facts the reply must hold, and the state the
conversation must end in. `make agent-eval` runs them and prints the success rate per intent.

A turn: say, tool (None: no tool), args (a subset that must match: the slots as grounded in the
shop's data, so "runing shoos" is the category Running Shoes), reply (substrings, any case;
"a|b" accepts either, e.g. "added|only" where stock may run short).
Searches name a color where a product's colors would otherwise be asked for, so that the
conversation holds whichever engine ranks the catalog (PostgreSQL or SQLite).
end: cart_lines, cart_quantity, coupon, order_status, returns.
Setup: gold (Jane's 2,600 lifetime points), paid_order, delivered_order.
The shop has the demo's reviews (reviews.demo, seed 42): the ratings and counts below are theirs.
"""

C = []


def convo(intent, turns, end=None, setup=()):
    C.append(
        {
            "id": f"{intent}-{sum(1 for c in C if c['intent'] == intent) + 1}",
            "intent": intent,
            "turns": turns,
            "end": end or {},
            "setup": list(setup),
        }
    )


def say(text, tool=None, args=None, reply=()):
    return {"say": text, "tool": tool, "args": args or {}, "reply": list(reply)}


# Search: free text with typos, brands, categories, prices, colors, sizes
convo(
    "search",
    [say("runing shoos", "search_products", {"category": "Running Shoes"}, ["running shoes"])],
)
convo("search", [say("adidsa", "search_products", {"brand": "Adidas"}, ["adidas"])])
convo(
    "search",
    [
        say(
            "hedphones under $200",
            "search_products",
            {"category": "Headphones", "max_price": 200.0},
            ["headphones"],
        )
    ],
)
convo(
    "search",
    [
        say(
            "show me hoodies between 40 and 80 dollars",
            "search_products",
            {"min_price": 40.0, "max_price": 80.0},
            ["hoodie"],
        )
    ],
)
convo("search", [say("black trail shoes", "search_products", {"color": "Black"}, ["trail shoes"])])
convo(
    "search", [say("running shoes in size 9", "search_products", {"size": "9"}, ["running shoes"])]
)
convo("search", [say("lapptop", "search_products", {"category": "Laptops"}, ["laptop"])])
convo(
    "search",
    [say("do you have a backpack?", "search_products", {"category": "Backpacks"}, ["backpack"])],
)
convo(
    "search", [say("smartwach over $300", "search_products", {"min_price": 300.0}, ["smartwatch"])]
)
convo(
    "search",
    [
        say(
            "nike t-shirt",
            "search_products",
            {"brand": "Nike", "category": "T-Shirts"},
            ["t-shirt"],
        )
    ],
)
convo("search", [say("water botle", "search_products", {}, ["water bottle"])])
convo(
    "search",
    [say("navy hoodie size m", "search_products", {"color": "Navy", "size": "M"}, ["hoodie"])],
)
convo("search", [say("zzqqxx", "shop_departments", {}, ["don't carry"])])

# Details, stock, similar
convo(
    "details",
    [
        say("trail shoes", "search_products"),
        say("tell me more about the first one", "product_details", {}, ["$"]),
    ],
)
convo(
    "details",
    [
        say("headphones", "search_products"),
        say("details of the second one", "product_details", {}, ["in stock"]),
    ],
)
convo(
    "stock",
    [
        say("backpack", "search_products"),
        say(
            "is the first one in stock in seattle?",
            "stock_by_location",
            {"city": "Seattle"},
            ["warehouse"],
        ),
    ],
)
convo(
    "stock",
    [
        say("laptop", "search_products"),
        say("which stores have the first one?", "stock_by_location", {}, ["warehouse"]),
    ],
)
convo(
    "stock",
    [
        say("hoodie", "search_products"),
        say("is it available in chicago", "stock_by_location", {"city": "Chicago"}, ["warehouse"]),
    ],
)
convo(
    "similar",
    [
        say("running shoes", "search_products"),
        say("show me similar to the first one", "similar_products", {}, ["like"]),
    ],
)
convo(
    "similar",
    [
        say("laptop", "search_products"),
        say("what goes with the first one?", "similar_products", {}, ["goes well with"]),
    ],
)

# Adding to the cart, with options, references and quantities
convo(
    "add",
    [
        say("black water bottle", "search_products"),
        say("add the first one", "add_to_cart", {"quantity": 1}, ["added"]),
    ],
    {"cart_lines": 1, "cart_quantity": 1},
)
convo(
    "add",
    [
        say("black water bottle", "search_products"),
        say("add 3 of the first one", "add_to_cart", {"quantity": 3}, ["added|only"]),
    ],
)
convo(
    "add",
    [
        say("grey backpack", "search_products"),
        say(
            "put the second one in my cart",
            "add_to_cart",
            {"color": "Grey"},
            ["added|only|sold out"],
        ),
    ],
)
convo(
    "add",
    [
        say("running shoes", "search_products"),
        say("add the first one", "add_to_cart", {}, ["choose a size"]),
    ],
    {"cart_lines": 0},
)
convo(
    "add",
    [
        say("white running shoes size 9", "search_products", {"size": "9"}),
        say("add the first one", "add_to_cart", {"size": "9", "color": "White"}, ["added"]),
    ],
    {"cart_lines": 1},
)
convo(
    "add",
    [
        say("black running shoes size 10", "search_products", {"color": "Black", "size": "10"}),
        say("buy the first one", "add_to_cart", {"color": "Black", "size": "10"}, ["added"]),
    ],
    {"cart_lines": 1},
)
convo(
    "add",
    [
        say("black water bottle", "search_products"),
        say("add the first one", "add_to_cart"),
        say("two more", "add_to_cart", {"quantity": 2}, ["added|only"]),
    ],
    {"cart_lines": 1},
)
convo(
    "add",
    [
        say("black backpack", "search_products"),
        say("add the first one", "add_to_cart"),
        say("make it 2", "update_cart_item", {"quantity": 2}, ["your cart|only"]),
    ],
    {"cart_lines": 1},
)
convo("add", [say("add it")], {"cart_lines": 0})
convo(
    "add",
    [
        say("grey water bottle", "search_products"),
        say("add the first one", "add_to_cart"),
        say("that in black", "add_to_cart", {"color": "Black"}),
    ],
)
convo(
    "add",
    [
        say("navy hoodie size l", "search_products", {"size": "L"}),
        say("add the third one", "add_to_cart", {"size": "L", "color": "Navy"}, ["added|only"]),
    ],
)

# The cart
convo("cart", [say("what's in my cart?", "show_cart", {}, ["empty"])])
convo(
    "cart",
    [
        say("black water bottle", "search_products"),
        say("add the first one", "add_to_cart"),
        say("show my cart", "show_cart", {}, ["total"]),
    ],
    {"cart_lines": 1},
)
convo(
    "cart",
    [
        say("black water bottle", "search_products"),
        say("add the first one", "add_to_cart"),
        say("remove it from my cart", "update_cart_item", {"quantity": 0}, ["empty"]),
    ],
    {"cart_lines": 0},
)
convo(
    "cart",
    [
        say("black backpack", "search_products"),
        say("add the first one", "add_to_cart"),
        say("what's my total", "show_cart", {}, ["$"]),
    ],
)
convo(
    "cart",
    [
        say("silver laptop", "search_products"),
        say("add the first one", "add_to_cart"),
        say("delete the first one from the cart", "update_cart_item", {"quantity": 0}),
    ],
    {"cart_lines": 0},
)

# Coupons
convo("coupons", [say("which coupons can I use?", "list_coupons", {}, ["welcome10"])])
convo(
    "coupons",
    [
        say("black backpack", "search_products"),
        say("add the first one", "add_to_cart"),
        say("apply coupon welcome10", "apply_coupon", {"code": "WELCOME10"}, ["applied"]),
    ],
    {"coupon": "WELCOME10"},
)
convo(
    "coupons",
    [say("use code WELCOME10", "apply_coupon", {"code": "WELCOME10"}, [])],
    {"coupon": "WELCOME10"},
)
convo(
    "coupons",
    [say("apply coupon NOSUCH", "apply_coupon", {"code": "NOSUCH"}, ["no coupon"])],
    {"coupon": None},
)
convo(
    "coupons",
    [say("apply GOLD20", "apply_coupon", {"code": "GOLD20"}, ["gold members"])],
    {"coupon": None},
)
convo(
    "coupons",
    [say("apply GOLD20", "apply_coupon", {"code": "GOLD20"}, ["applied"])],
    {"coupon": "GOLD20"},
    setup=["gold"],
)
convo(
    "coupons",
    [
        say("use code WELCOME10", "apply_coupon"),
        say("remove the coupon", "remove_coupon", {}, ["removed"]),
    ],
    {"coupon": None},
)
convo("coupons", [say("any deals for me?", "list_coupons", {}, ["save5"])])

# Loyalty
convo("loyalty", [say("how many points do I have?", "loyalty_status", {}, ["bronze", "0 points"])])
convo(
    "loyalty", [say("what's my tier", "loyalty_status", {}, ["gold", "platinum"])], setup=["gold"]
)
convo("loyalty", [say("my rewards", "loyalty_status", {}, ["points"])])

# Orders: status, cancel and return with confirmation
convo("orders", [say("where is my order?", "order_status", {}, ["no orders"])])
convo(
    "orders", [say("where is my order?", "order_status", {}, ["paid", "ups"])], setup=["paid_order"]
)
convo("orders", [say("track my delivery", "order_status", {}, ["expected"])], setup=["paid_order"])
convo(
    "orders",
    [
        say("cancel my order", "cancel_order", {}, ["say yes"]),
        say("yes", "cancel_order", {"confirmed": True}, ["cancelled"]),
    ],
    {"order_status": "cancelled"},
    setup=["paid_order"],
)
convo(
    "orders",
    [say("cancel my order", "cancel_order"), say("no", None, {}, ["left it"])],
    {"order_status": "paid"},
    setup=["paid_order"],
)
convo(
    "orders",
    [
        say("I want to return my order, too big", "start_return", {}, ["say yes"]),
        say("yes", "start_return", {"confirmed": True}, ["requested"]),
    ],
    {"returns": 1},
    setup=["delivered_order"],
)
convo(
    "orders",
    [
        # A delivered order is refused before any question: a "yes" then has nothing to confirm.
        say("cancel my order", "cancel_order", {}, ["can't be cancelled"]),
        say("yes", None, {}, ["what would you like"]),
    ],
    {"order_status": "delivered"},
    setup=["delivered_order"],
)

# Reviews: what people say of the product named or in hand
convo(
    "reviews",
    [
        say(
            "what do people say about the hoka core core 1 trail shoes?",
            "product_reviews",
            {},
            ["4.7 out of 5", "9 reviews", "Does everything I hoped"],
        )
    ],
)
convo(
    "reviews",
    [
        say("tell me about the adidas terra echo 6 hoodie", "product_details", {}, ["19 reviews"]),
        say("any reviews of it?", "product_reviews", {}, ["4.3 out of 5", "19 reviews"]),
    ],
)
convo(
    "reviews",
    [
        say(
            "is the samsung vapor air 5 laptop any good",
            "product_reviews",
            {},
            ["4.8", "8 reviews"],
        )
    ],
)
convo(
    "reviews",
    [
        say(
            "how is the nalgene trail peak 8 water bottle rated?",
            "product_reviews",
            {},
            ["2.4 out of 5", "7 reviews"],
        )
    ],
)
convo(
    "reviews",
    [
        say("samsung zoom edge 3 smartwatch", "product_details"),
        say("what do customers think of it", "product_reviews", {}, ["no reviews yet"]),
    ],
)
convo(
    "reviews",
    [
        say("black backpack", "search_products"),
        say("reviews of the first one", "product_reviews", {}, ["out of 5|no reviews yet"]),
    ],
)

# The wishlist: saved for later, never put in the cart
convo(
    "wishlist",
    [
        say("tell me about the samsung vapor air 5 laptop", "product_details"),
        say("save it for later", "save_to_wishlist", {}, ["saved", "wishlist"]),
        say("add this to my wishlist", "save_to_wishlist", {}, ["already in your wishlist"]),
    ],
    {"cart_lines": 0},
)
convo(
    "wishlist",
    [
        say(
            "add the nalgene summit max 4 water bottle to my wish list",
            "save_to_wishlist",
            {},
            ["saved nalgene summit max 4 water bottle"],
        )
    ],
    {"cart_lines": 0},
)
convo(
    "wishlist",
    [
        say(
            "save the vans peak core 1 sneakers in green size 8 for later",
            "save_to_wishlist",
            {"color": "Green", "size": "8"},
            ["(green, 8)"],
        )
    ],
    {"cart_lines": 0},
)
convo(
    "wishlist",
    [
        say("tell me about the vans peak core 1 sneakers", "product_details"),
        say("put the red one on my wishlist", "save_to_wishlist", {}, ["choose a size"]),
        say("9", "save_to_wishlist", {"color": "Red", "size": "9"}, ["saved", "(red, 9)"]),
    ],
    {"cart_lines": 0},
)
convo(
    "wishlist",
    [
        say("black backpack", "search_products"),
        say("bookmark the first one", "save_to_wishlist", {}, ["saved"]),
    ],
    {"cart_lines": 0},
)

# Back in stock: a notice for what is sold out, the cart for what is not
convo(
    "notify",
    [
        say("tell me about the salomon boost summit 5 trail shoes", "product_details"),
        say(
            "let me know when the blue one in 7 is back",
            "notify_when_back",
            {"color": "Blue", "size": "7"},
            ["email you", "(blue, 7)"],
        ),
    ],
)
convo(
    "notify",
    [
        say(
            "notify me when the stanley echo ultra 7 water bottle is back in stock",
            "notify_when_back",
            {},
            ["email you when stanley echo ultra 7 water bottle"],
        )
    ],
)
convo(
    "notify",
    [
        say(
            "add the puma pro echo 6 running shoes in black size 7", "add_to_cart", {}, ["sold out"]
        ),
        say("yes", "notify_when_back", {"color": "Black", "size": "7"}, ["email you"]),
    ],
    {"cart_lines": 0},
)
convo(
    "notify",
    [
        say(
            "notify me when the black samsung vapor air 5 laptop is back in stock",
            "notify_when_back",
            {"color": "Black"},
            ["in stock now"],
        ),
        say("yes", "add_to_cart", {"color": "Black"}, ["added"]),
    ],
    {"cart_lines": 1},
)
convo(
    "notify",
    [
        say("tell me about the hoka core core 1 trail shoes", "product_details"),
        say(
            "tell me when the white one in size 11 is back in stock",
            "notify_when_back",
            {"color": "White", "size": "11"},
            ["email you", "(white, 11)"],
        ),
    ],
)

# Help
convo("help", [say("hello", None, {}, ["i can find products"])])
convo("help", [say("what can you do?", None, {}, ["cart"])])

CONVERSATIONS = C
